package io.cardstream.job;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import io.cardstream.job.enrich.Enricher;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.BufferedMutatorParams;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's range of one micro-batch, on an executor: read the range with a consumer of its own
 * ({@link RangeReader}: transactional markers, aborted records and compaction gaps are skipped, and the task holds one
 * poll's records and one chunk of decoded transactions at a time); decode; dead-letter the invalid, bounded
 * ({@link DeadLetters}); per chunk, look up the distinct persons and companies, enrich with the pure
 * {@link Enricher}, write every column of every row with one BufferedMutator and flush; record latency. Then, and
 * only after every row was flushed, it commits the partition's dead letters and the consumer group's offset after its
 * range in one Kafka transaction. Any failure aborts the transaction and throws, which fails the batch: the
 * partition's records are read again on restart, their rows rewritten in place, and their dead letters, aborted once,
 * written once.
 */
final class PartitionProcessor implements FlatMapFunction<Iterator<OffsetRange>, PartitionResult> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionProcessor.class);
    static final int CHUNK = 5_000;
    static final int SAMPLE = 20;
    /** How long a claim first waits for a transaction that holds the partition's committed offset to end. */
    private static final Duration STABLE_OFFSET_WAIT = Duration.ofSeconds(15);

    private final JobConfig config;
    private final long batchTime;

    PartitionProcessor(JobConfig config, long batchTime) {
        this.config = config;
        this.batchTime = batchTime;
    }

    /** {@code ranges}: this task's one offset range (the batch's ranges are parallelized one to a partition). */
    @Override
    public Iterator<PartitionResult> call(Iterator<OffsetRange> ranges) throws Exception {
        OffsetRange range = ranges.next();
        if (range.count() == 0) {
            return List.of(new PartitionResult(
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            0,
                            BatchSummary.encode(BatchSummary.newHistogram()),
                            BigDecimal.ZERO,
                            Map.of(),
                            List.of(),
                            PartitionResult.TaskTimes.NONE))
                    .iterator();
        }
        ExecutorResources resources = ExecutorResources.acquire(config);
        try {
            return processAndCommit(resources, range);
        } finally {
            resources.release();
        }
    }

    private Iterator<PartitionResult> processAndCommit(ExecutorResources resources, OffsetRange range)
            throws Exception {
        TopicPartition source = range.topicPartition();
        long started = System.nanoTime();
        Consumer<byte[], byte[]> reader = resources.takeReader(source);
        boolean readerHealthy = false;
        try {
            Claim claim = claim(resources, reader, range);
            if (claim.committedBefore != null) {
                readerHealthy = true;
                return List.of(claim.committedBefore).iterator();
            }
            Producer<byte[], byte[]> deadLetters = claim.producer;
            PartitionResult committed;
            try {
                Stopwatches watches = new Stopwatches();
                watches.kafka += System.nanoTime() - started;
                RangeReader records = new RangeReader(
                        reader,
                        source,
                        range.fromOffset(),
                        range.untilOffset(),
                        Duration.ofSeconds(config.kafkaTimeoutSeconds()));
                PartitionResult result = process(records, resources, deadLetters, watches);
                readerHealthy = true;
                Faults.at(Faults.Step.AFTER_DEAD_LETTERS, source, batchTime);
                // whatever could fail on the way to the driver fails here, before the commit
                PartitionResult.Wire.check(result);
                // this partition's dead letters and the offset after its range, with the range's counts as its
                // metadata, in one transaction: all or nothing, so a replay neither loses nor repeats a dead letter
                long committing = System.nanoTime();
                deadLetters.sendOffsetsToTransaction(
                        Map.of(source, new OffsetAndMetadata(range.untilOffset(), result.commitMetadata())),
                        new ConsumerGroupMetadata(config.groupId()));
                deadLetters.commitTransaction();
                long done = System.nanoTime();
                watches.kafka += done - committing;
                committed = result.withTimes(watches.times(done - started));
            } catch (KafkaException e) {
                abandon(source, deadLetters);
                throw new IOException(
                        "Reading " + source + " [" + range.fromOffset() + ", " + range.untilOffset()
                                + ") from Kafka at " + config.bootstrapServers() + ", writing its dead letters (topic "
                                + config.deadLetterTopic()
                                + ") or committing its offsets failed; nothing of this partition is"
                                + " committed.",
                        e);
            } catch (Exception | Error e) {
                abandon(source, deadLetters);
                throw e;
            }
            resources.giveBackDeadLetters(source, deadLetters);
            Faults.at(Faults.Step.AFTER_COMMIT, source, batchTime);
            return List.of(committed).iterator();
        } finally {
            resources.giveBack(source, reader, readerHealthy);
        }
    }

    /** A claimed range: the producer whose transaction holds it, or the result of the attempt that committed it. */
    private record Claim(Producer<byte[], byte[]> producer, PartitionResult committedBefore) {}

    /**
     * Claims the range for this attempt, or finds it committed. The attempt takes a dead-letter producer of its own
     * (a new one fences every older producer of the partition: only the newest can commit), then reads the group's
     * committed offset, waiting out any transaction that holds one (stable offsets, read_committed). At the range's
     * end or past it, an earlier attempt (a retry's predecessor, a speculative twin, a zombie) committed it: this
     * attempt does nothing and reports that attempt's counts from the offset's metadata. At the range's start (or none
     * yet), it begins the transaction and puts the start offset into it, which asks the broker at once. Anything else
     * means another writer of the group's offsets, and fails the task. A producer fenced since its last use here (the
     * partition ran on another executor meanwhile) is replaced once, and the offset read again.
     */
    private Claim claim(ExecutorResources resources, Consumer<byte[], byte[]> reader, OffsetRange range) {
        TopicPartition source = range.topicPartition();
        for (int attempt = 1; ; attempt++) {
            Producer<byte[], byte[]> deadLetters = resources.takeDeadLetters(source);
            OffsetAndMetadata committed;
            try {
                committed = reader.committed(
                                Set.of(source),
                                attempt == 1 ? STABLE_OFFSET_WAIT : Duration.ofSeconds(config.kafkaTimeoutSeconds()))
                        .get(source);
            } catch (TimeoutException e) {
                // a transaction holds the offset and does not end: a lost executor's, whose producer is older
                // than a new one, which aborts it
                ExecutorResources.closeDeadLetters(deadLetters);
                if (attempt == 2) {
                    throw e;
                }
                LOG.info(
                        "The committed offset of {} stayed held by an open transaction for {} s; making a new"
                                + " dead-letter producer, which aborts it.",
                        source,
                        STABLE_OFFSET_WAIT.toSeconds());
                continue;
            } catch (RuntimeException e) {
                resources.giveBackDeadLetters(source, deadLetters);
                throw e;
            }
            if (committed != null && committed.offset() >= range.untilOffset()) {
                resources.giveBackDeadLetters(source, deadLetters);
                LOG.info(
                        "Attempt {} of the task for {} [{}, {}) found the range committed (offset {}) by an earlier"
                                + " attempt; it does nothing.",
                        TaskContext.get() == null ? 0 : TaskContext.get().attemptNumber(),
                        source,
                        range.fromOffset(),
                        range.untilOffset(),
                        committed.offset());
                return new Claim(null, PartitionResult.committedBefore(committed.metadata()));
            }
            if (committed != null && committed.offset() != range.fromOffset()) {
                resources.giveBackDeadLetters(source, deadLetters);
                throw new IllegalStateException("The committed offset of " + source + " for group " + config.groupId()
                        + " is " + committed.offset() + ", neither the start (" + range.fromOffset() + ") nor past the"
                        + " end (" + range.untilOffset() + ") of this batch's range: something else commits offsets"
                        + " of this group. Nothing of this range is committed.");
            }
            try {
                deadLetters.beginTransaction();
                deadLetters.sendOffsetsToTransaction(
                        Map.of(source, new OffsetAndMetadata(range.fromOffset())),
                        new ConsumerGroupMetadata(config.groupId()));
                return new Claim(deadLetters, null);
            } catch (KafkaException e) {
                abandon(source, deadLetters);
                if (attempt == 2) {
                    throw e;
                }
                LOG.info(
                        "The dead-letter producer of {} could not begin its transaction ({}), fenced by another"
                                + " since its last batch here; making a new one.",
                        source,
                        e.toString());
            }
        }
    }

    /** Aborts the partition's transaction, if the producer still can, and closes the producer. */
    private static void abandon(TopicPartition source, Producer<byte[], byte[]> deadLetters) {
        try {
            deadLetters.abortTransaction();
        } catch (ProducerFencedException e) {
            LOG.debug("The dead-letter producer of {} was fenced; its successor aborted what it had open.", source);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Aborting the dead-letter transaction of {} failed ({}); the next producer of the partition"
                            + " aborts it.",
                    source,
                    e.toString());
        }
        ExecutorResources.closeDeadLetters(deadLetters);
    }

    private PartitionResult process(
            RangeReader records, ExecutorResources resources, Producer<byte[], byte[]> deadLetters, Stopwatches watches)
            throws IOException {
        TransactionCodec codec = TransactionCodec.create();
        Histogram latency = BatchSummary.newHistogram();
        Map<String, CompanyAccumulator> companies = new HashMap<>();
        ArrayDeque<EnrichedTransaction> last = new ArrayDeque<>(SAMPLE);
        Set<String> txIds = new HashSet<>();
        long count = 0;
        long enriched = 0;
        long deadLettered = 0;
        long missing = 0;
        long repeated = 0;
        long boundedNames = 0;
        BigDecimal amountSum = BigDecimal.ZERO;

        BufferedMutatorParams params = new BufferedMutatorParams(TableName.valueOf(config.txTable()))
                .writeBufferSize(config.writeBufferBytes());
        try (BufferedMutator mutator = resources.hbase().getBufferedMutator(params)) {
            List<Transaction> chunk = new ArrayList<>(CHUNK);
            boolean more = true;
            while (more) {
                chunk.clear();
                // decoded as read: the chunk holds transactions, never raw records, so large invalid records
                // (dead-lettered bounded) cost one poll's memory at most
                while (chunk.size() < CHUNK) {
                    more = records.hasNext();
                    if (!more) {
                        break;
                    }
                    ConsumerRecord<byte[], byte[]> record = records.next();
                    count++;
                    DecodeResult result = codec.decode(record.value());
                    if (result instanceof DecodeResult.Valid valid) {
                        chunk.add(valid.transaction());
                        if (!txIds.add(valid.transaction().txId())) {
                            repeated++;
                        }
                    } else {
                        DecodeResult.Invalid invalid = (DecodeResult.Invalid) result;
                        deadLetters.send(DeadLetters.of(config.deadLetterTopic(), record, invalid));
                        deadLettered++;
                        LOG.debug(
                                "Dead-lettered {}-{}@{}: {}",
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                invalid.reason());
                    }
                }
                if (chunk.isEmpty()) {
                    continue;
                }
                Set<String> personIds = new HashSet<>();
                Set<String> companyIds = new HashSet<>();
                for (Transaction tx : chunk) {
                    personIds.add(tx.personId());
                    companyIds.add(tx.companyId());
                }
                long lookingUp = System.nanoTime();
                DimensionLookup dimensions = DimensionLookup.load(resources.dimensions(), personIds, companyIds);
                watches.lookup += System.nanoTime() - lookingUp;
                boundedNames += dimensions.boundedNames();
                long processedTime = System.currentTimeMillis();
                List<EnrichedTransaction> written = new ArrayList<>(chunk.size());
                for (Transaction tx : chunk) {
                    EnrichedTransaction e = Enricher.enrich(tx, dimensions, processedTime, batchTime);
                    mutator.mutate(EnrichedRows.put(e));
                    Delete clearing = EnrichedRows.clearing(e);
                    if (clearing != null) {
                        mutator.mutate(clearing);
                    }
                    written.add(e);
                }
                Faults.at(Faults.Step.BEFORE_FLUSH, records.partition(), batchTime);
                long flushing = System.nanoTime();
                mutator.flush();
                watches.hbaseWrite += System.nanoTime() - flushing;
                Faults.at(Faults.Step.AFTER_FLUSH, records.partition(), batchTime);
                long writtenAt = System.currentTimeMillis();
                for (EnrichedTransaction e : written) {
                    Transaction tx = e.transaction();
                    latency.recordValue(
                            Math.min(BatchSummary.HIGHEST_TRACKABLE_MS, Math.max(0, writtenAt - tx.eventTime())));
                    enriched++;
                    if (e.status() != EnrichStatus.OK) {
                        missing++;
                    }
                    amountSum = amountSum.add(tx.amount());
                    companies
                            .computeIfAbsent(tx.companyId(), id -> new CompanyAccumulator(e.companyName()))
                            .add(tx.amount());
                    if (last.size() == SAMPLE) {
                        last.removeFirst();
                    }
                    last.addLast(e);
                }
            }
            mutator.flush();
        }
        Map<String, PartitionResult.CompanyTotal> totals = new HashMap<>(companies.size() * 2);
        companies.forEach((id, acc) ->
                totals.put(id, new PartitionResult.CompanyTotal(id, acc.name, acc.amount, acc.transactions)));
        List<PartitionResult.SampleRow> sample = last.stream()
                .map(e -> new PartitionResult.SampleRow(
                        e.transaction().txId(),
                        e.personName(),
                        e.companyName(),
                        e.transaction().amount().toPlainString(),
                        e.transaction().currency(),
                        e.transaction().eventTime(),
                        e.processedTime(),
                        e.status().name()))
                .toList();
        watches.read += records.pollNanos();
        return new PartitionResult(
                count,
                enriched,
                deadLettered,
                missing,
                repeated,
                boundedNames,
                0,
                BatchSummary.encode(latency),
                amountSum,
                totals,
                sample,
                PartitionResult.TaskTimes.NONE);
    }

    /** The nanoseconds a task spends in each kind of wait, added up as it goes. */
    private static final class Stopwatches {
        long read;
        long hbaseWrite;
        long lookup;
        long kafka;

        PartitionResult.TaskTimes times(long totalNanos) {
            return new PartitionResult.TaskTimes(
                    totalNanos / 1_000, read / 1_000, hbaseWrite / 1_000, lookup / 1_000, kafka / 1_000);
        }
    }

    /** A company's running total within one partition: one object per company, not one per transaction. */
    private static final class CompanyAccumulator {
        private final String name;
        private BigDecimal amount = BigDecimal.ZERO;
        private long transactions;

        CompanyAccumulator(String name) {
            this.name = name;
        }

        void add(BigDecimal value) {
            amount = amount.add(value);
            transactions++;
        }
    }
}
