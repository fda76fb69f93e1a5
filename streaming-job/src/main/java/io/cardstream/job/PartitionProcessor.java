package io.cardstream.job;

import io.cardstream.job.enrich.ChunkStep;
import io.cardstream.job.enrich.DimensionSource;
import io.cardstream.job.enrich.PartitionTally;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Table;
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
 * {@link Enricher}, write every row of the chunk with one batch call; record latency. Then, and
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
            return List.of(PartitionResult.empty()).iterator();
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
        PartitionTally tally;
        try (Table table = resources.hbase().getTable(TableName.valueOf(config.txTable()))) {
            HBaseRowSink rows = new HBaseRowSink(
                    table, config.rowLayout(), config.writeBufferBytes(), records.partition(), batchTime);
            DimensionSource lookups = (personIds, companyIds) -> {
                long lookingUp = System.nanoTime();
                try {
                    return DimensionLookup.load(resources.dimensions(), personIds, companyIds);
                } finally {
                    watches.lookup += System.nanoTime() - lookingUp;
                }
            };
            ChunkStep<ConsumerRecord<byte[], byte[]>> step = new ChunkStep<>(
                    ConsumerRecord::value,
                    new KafkaDeadLetterSink(deadLetters, config.deadLetterTopic()),
                    lookups,
                    rows,
                    System::currentTimeMillis,
                    batchTime,
                    CHUNK,
                    SAMPLE);
            while (records.hasNext()) {
                step.accept(records.next());
            }
            tally = step.finish();
            watches.hbaseWrite += rows.flushNanos();
        }
        watches.read += records.pollNanos();
        return PartitionResult.of(tally);
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
}
