package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import io.cardstream.job.enrich.ChunkStep;
import io.cardstream.job.enrich.Dimensions;
import io.cardstream.job.enrich.PartitionTally;
import io.cardstream.job.enrich.RowSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job's real batch protocol ({@link BatchProtocol}) and its real pure step ({@link ChunkStep}) on real Spark
 * wiring, in local mode with task retries on ({@code local[2,3]}), over records in memory and in-memory sinks: a task
 * that fails before or after its commit is retried, and every record still ends stored once or dead-lettered once,
 * with the batch's counts reconciling. The commit here is a map; its Kafka form is tested by TaskRetryIT.
 */
class BatchProtocolTest {

    private static final String TOPIC = "memory-tx";
    private static final int PER_PARTITION = 300;
    private static final int INVALID_EVERY = 50;
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(new SparkConf()
                .setMaster("local[2,3]")
                .setAppName("batch-protocol-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private final JobState state = new JobState();
    private final MemoryLedger ledger = new MemoryLedger();
    private final BatchProtocol protocol = new BatchProtocol(new MemoryWork(), ledger, state, TOPIC);

    @BeforeEach
    void fillTheTopic() {
        Memory.clear();
        TransactionCodec codec = TransactionCodec.create();
        long now = System.currentTimeMillis();
        for (int p = 0; p < 2; p++) {
            List<byte[]> log = new ArrayList<>();
            for (int i = 0; i < PER_PARTITION; i++) {
                log.add(
                        i % INVALID_EVERY == 7
                                ? ("{\"txId\":\"broken-" + p + "-" + i).getBytes(StandardCharsets.UTF_8)
                                : codec.encode(new Transaction(
                                        "tx-" + p + "-" + i,
                                        "P" + (i % 10),
                                        "C" + (i % 3),
                                        new BigDecimal("1.25"),
                                        "EUR",
                                        now - 1_000)));
            }
            Memory.TOPIC.put(p, log);
        }
    }

    private void runBatch(long batchTime, long from, long until) throws Exception {
        OffsetRange[] ranges = {OffsetRange.create(TOPIC, 0, from, until), OffsetRange.create(TOPIC, 1, from, until)};
        JavaRDD<OffsetRange> placed = spark.parallelize(Arrays.asList(ranges), ranges.length);
        protocol.run(placed, ranges, batchTime);
    }

    @Test
    void tasksRetriedBeforeAndAfterTheirCommitStoreEveryRecordOnceAndTheCountsReconcile() throws Exception {
        Memory.FAULTS.put("1000/0/after-commit", true);
        Memory.FAULTS.put("2000/1/after-flush", true);
        runBatch(1000, 0, 150);
        runBatch(2000, 150, PER_PARTITION);

        int invalid = 2 * (PER_PARTITION / INVALID_EVERY);
        assertThat(Memory.ATTEMPTS.get())
                .as("task attempts: 4 tasks and 2 retries")
                .isEqualTo(6);
        assertThat(Memory.ROWS).hasSize(2 * PER_PARTITION - invalid);
        assertThat(Memory.LETTERS).as("dead letters, each once").hasSize(invalid);
        assertThat(Memory.COMMITTED).containsEntry(0, (long) PER_PARTITION).containsEntry(1, (long) PER_PARTITION);
        assertThat(ledger.recorded).hasSize(2);
        long records =
                ledger.recorded.stream().mapToLong(b -> b.counts().records()).sum();
        long enriched =
                ledger.recorded.stream().mapToLong(b -> b.counts().enriched()).sum();
        long dead = ledger.recorded.stream()
                .mapToLong(b -> b.counts().deadLettered())
                .sum();
        assertThat(records).isEqualTo(2 * PER_PARTITION);
        assertThat(enriched + dead).isEqualTo(records);
        assertThat(dead).isEqualTo(invalid);
        assertThat(ledger.recorded.get(0).committedBefore())
                .as("the retry of a committed range is a no-op reporting the commit's counts")
                .isEqualTo(1);
        assertThat(state.failure()).isNull();
    }

    @Test
    void aTaskThatFailsOnEveryAttemptStopsTheJobAndOnlyTheCommittedPartitionIsCounted() throws Exception {
        Memory.FAULTS.put("1000/1/after-flush", false);
        assertThatThrownBy(() -> runBatch(1000, 0, 150)).isInstanceOf(SparkException.class);

        assertThat(state.failure()).isNotNull();
        assertThat(Memory.COMMITTED).containsOnlyKeys(0);
        assertThat(ledger.recorded).isEmpty();
        assertThat(ledger.failed).singleElement().satisfies(s -> {
            assertThat(s.counts().records()).isEqualTo(150);
            assertThat(s.committedBefore()).isEqualTo(1);
        });
        int attempts = Memory.ATTEMPTS.get();
        assertThatThrownBy(() -> runBatch(2000, 150, PER_PARTITION))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("An earlier batch failed");
        assertThat(Memory.ATTEMPTS.get()).as("no task of a later batch runs").isEqualTo(attempts);
        assertThat(Memory.COMMITTED).containsOnlyKeys(0);
    }

    @Test
    void aBatchAfterAStopThatGaveUpRunsNoTaskAndCommitsNothing() throws Exception {
        state.stopNow();
        runBatch(1000, 0, 150);
        assertThat(Memory.ATTEMPTS.get()).isZero();
        assertThat(Memory.COMMITTED).isEmpty();
        assertThat(ledger.recorded).isEmpty();
    }

    /** The in-memory topic, table, dead-letter topic and committed offsets the tasks of this JVM share. */
    static final class Memory {
        static final Map<Integer, List<byte[]>> TOPIC = new ConcurrentHashMap<>();
        static final Map<String, EnrichedTransaction> ROWS = new ConcurrentHashMap<>();
        static final Map<String, String> LETTERS = new ConcurrentHashMap<>();
        static final Map<Integer, Long> COMMITTED = new ConcurrentHashMap<>();
        static final Map<Integer, String> METADATA = new ConcurrentHashMap<>();
        /** "batch/partition/step" to whether the fault fires on the first attempt only (else on every attempt). */
        static final Map<String, Boolean> FAULTS = new ConcurrentHashMap<>();

        static final AtomicInteger ATTEMPTS = new AtomicInteger();

        static void clear() {
            TOPIC.clear();
            ROWS.clear();
            LETTERS.clear();
            COMMITTED.clear();
            METADATA.clear();
            FAULTS.clear();
            ATTEMPTS.set(0);
        }

        static void fault(long batch, int partition, String step) {
            Boolean firstOnly = FAULTS.get(batch + "/" + partition + "/" + step);
            if (firstOnly != null && (!firstOnly || TaskContext.get().attemptNumber() == 0)) {
                throw new IllegalStateException("Injected fault " + step + " in " + partition + " of " + batch);
            }
        }
    }

    /** A record of the in-memory topic. */
    record Record(int partition, long offset, byte[] value) {}

    /**
     * A partition's work over memory: the real ChunkStep between an in-memory topic and in-memory sinks, and the
     * job's claim: a range committed already is a no-op reporting the commit's counts; dead letters are published
     * with the offsets, or not at all.
     */
    static final class MemoryWork implements BatchProtocol.PartitionWork {
        private static final long serialVersionUID = 1L;

        @Override
        public FlatMapFunction<Iterator<OffsetRange>, PartitionResult> forBatch(long batchTime) {
            return ranges -> {
                OffsetRange range = ranges.next();
                int p = range.partition();
                Memory.ATTEMPTS.incrementAndGet();
                synchronized (Memory.class) {
                    Long committed = Memory.COMMITTED.get(p);
                    if (committed != null && committed >= range.untilOffset()) {
                        return List.of(PartitionResult.committedBefore(Memory.METADATA.get(p)))
                                .iterator();
                    }
                }
                Map<String, String> pending = new HashMap<>();
                RowSink rows = new RowSink() {
                    @Override
                    public void write(EnrichedTransaction row) {
                        Memory.ROWS.put(row.transaction().txId(), row);
                    }

                    @Override
                    public void flush() {
                        Memory.fault(batchTime, p, "after-flush");
                    }
                };
                ChunkStep<Record> step = new ChunkStep<>(
                        Record::value,
                        (record, reason) -> pending.put(
                                record.partition() + "@" + record.offset(),
                                reason.reason().name()),
                        (persons, companies) -> Dimensions.of(id -> "Person " + id, id -> "Company " + id),
                        rows,
                        System::currentTimeMillis,
                        batchTime,
                        40,
                        PartitionProcessor.SAMPLE);
                List<byte[]> log = Memory.TOPIC.get(p);
                for (long offset = range.fromOffset(); offset < range.untilOffset(); offset++) {
                    step.accept(new Record(p, offset, log.get((int) offset)));
                }
                PartitionTally tally = step.finish();
                PartitionResult result = PartitionResult.of(tally);
                synchronized (Memory.class) {
                    Memory.LETTERS.putAll(pending);
                    Memory.COMMITTED.put(p, range.untilOffset());
                    Memory.METADATA.put(p, result.commitMetadata());
                }
                Memory.fault(batchTime, p, "after-commit");
                return List.of(result).iterator();
            };
        }
    }

    /** Batches recorded, and the committed partitions read from memory. */
    static final class MemoryLedger implements BatchProtocol.Ledger {
        final List<BatchSummary> recorded = new CopyOnWriteArrayList<>();
        final List<BatchSummary> failed = new CopyOnWriteArrayList<>();

        @Override
        public void record(BatchSummary summary) {
            recorded.add(summary);
        }

        @Override
        public void recordFailed(BatchSummary summary) {
            failed.add(summary);
        }

        @Override
        public Map<Integer, String> committedPast(OffsetRange[] ranges) {
            Map<Integer, String> past = new HashMap<>();
            for (OffsetRange range : ranges) {
                Long at = Memory.COMMITTED.get(range.partition());
                if (at != null && at >= range.untilOffset()) {
                    past.put(range.partition(), Memory.METADATA.get(range.partition()));
                }
            }
            return past;
        }
    }
}
