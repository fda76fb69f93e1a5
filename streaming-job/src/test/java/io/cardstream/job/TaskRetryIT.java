package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import io.cardstream.schema.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Task retries on, as on a cluster ({@code local[2,4]}: Spark runs a failed task again, up to four attempts), and a
 * fault injected into a first attempt at each step of a partition's work in turn: before the HBase flush, after it,
 * after the dead letters were sent, after the commit, and while the result is serialized for the driver. One job run
 * takes all five while the storm arrives. Every valid record is stored once, every dead letter is in the topic once
 * (read_committed), the committed offsets never go back, and the batches' metrics count every record once.
 */
class TaskRetryIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("retry");
    private static final int PARTITIONS = 2;
    private static final long COUNT = 40_000;

    @AfterEach
    void noFaultsAfterThisTest() {
        Faults.set(null);
        System.clearProperty("spark.extraListeners");
    }

    @Test
    void aFaultAtEveryStepOfAFirstAttemptIsRetriedToExactlyOnce() throws Exception {
        System.setProperty("spark.extraListeners", AttemptRecorder.class.getName());
        AttemptRecorder.RETRIES.set(0);
        fixture.prepare(RUN, PARTITIONS, 5_000, 500);
        Set<Faults.Step> injected = ConcurrentHashMap.newKeySet();
        // each step once, on a first attempt of partition 0, in the order a task meets them: one batch fails before
        // its flush, the next after it, and so on; the result's serialization (after the task's code, where no
        // partition or attempt is known) once, a few batches after the fault after a commit
        AtomicLong committedFaultAt = new AtomicLong(Long.MAX_VALUE);
        Faults.set(point -> {
            boolean fail = point.step() == Faults.Step.SERIALIZING
                    // a batch after the one that failed after its commit: a result of a range this attempt committed
                    ? System.nanoTime() - committedFaultAt.get() > TimeUnit.SECONDS.toNanos(2)
                    : point.attempt() == 0 && point.partition().partition() == 0;
            if (fail && injected.add(point.step())) {
                if (point.step() == Faults.Step.AFTER_COMMIT) {
                    committedFaultAt.set(System.nanoTime());
                }
                return true;
            }
            return false;
        });

        JobConfig config = fixture.jobConfig(RUN, 5_000L).withMaster("local[2,4]");
        GeneratorConfig generator = new GeneratorConfig(5151, 5_000, 500, 0.8, 0.01, 0.01);
        StreamingJob job = new StreamingJob(config);
        AtomicBoolean sampling = new AtomicBoolean(true);
        List<String> wentBack = new ArrayList<>();
        boolean passed = false;
        try {
            job.start();
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> sampleCommitted(sampling, wentBack));
            StormProducer.Summary summary = fixture.produce(RUN.topic(), generator, COUNT, 2_500);
            assertThat(summary.acked()).isEqualTo(COUNT);
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), PARTITIONS, Duration.ofSeconds(180), () -> job.failure() == null);
            sampling.set(false);
            sampler.get(30, TimeUnit.SECONDS);
            assertThat(job.failure()).as("the job's failure").isNull();
            passed = true;

            log.info(
                    "Faults injected at {}; {} task attempts after a first ran.",
                    injected,
                    AttemptRecorder.RETRIES.get());
            assertThat(injected).as("a fault at every step").isEqualTo(EnumSet.allOf(Faults.Step.class));
            assertThat(AttemptRecorder.RETRIES.get())
                    .as("retried attempts seen by Spark's listener")
                    .isGreaterThanOrEqualTo(injected.size());
            assertThat(wentBack).as("committed offsets that went back").isEmpty();
            fixture.assertEveryRecordAccountedFor(generator, COUNT, summary, RUN.topic(), RUN.dlq());
            assertThat(metricsTotal("records")).as("records in batch_metrics").isEqualTo(COUNT);
            assertThat(metricsTotal("dead_lettered"))
                    .as("dead letters in batch_metrics")
                    .isEqualTo(summary.invalid());
        } finally {
            sampling.set(false);
            job.stop(passed);
        }
    }

    /**
     * Partition 0 fails at every attempt, once partition 1 has committed: the batch fails and the job stops. The
     * driver gets no result of the failed job, yet its metrics row holds what partition 1 committed (from the
     * commit's metadata) and its log line says which partition committed and which will be read again.
     */
    @Test
    void aBatchThatFailsAfterSomePartitionsCommittedCountsWhatTheyCommitted() throws Exception {
        JobFixture.Names run = JobFixture.Names.of("partial");
        fixture.preparedWithRecords(run, PARTITIONS, new GeneratorConfig(5252, 5_000, 500, 0.8, 0.01, 0.01), 4_000);
        AtomicBoolean partitionOneCommitted = new AtomicBoolean();
        Faults.set(point -> {
            if (point.step() == Faults.Step.AFTER_COMMIT && point.partition().partition() == 1) {
                partitionOneCommitted.set(true);
            }
            if (point.step() != Faults.Step.BEFORE_FLUSH || point.partition().partition() != 0) {
                return false;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!partitionOneCommitted.get() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return true;
        });
        JobConfig config = fixture.jobConfig(run, 5_000L).withMaster("local[2,4]");
        StreamingJob job = new StreamingJob(config);
        try {
            job.start();
            JobFixture.awaitFailure(job, Duration.ofSeconds(120));
        } finally {
            job.stop(false);
            Faults.set(null);
        }
        Map<TopicPartition, Long> committed = fixture.committed(run.group());
        assertThat(committed.get(new TopicPartition(run.topic(), 0)))
                .as("partition 0 committed nothing")
                .isNull();
        long partitionOne = committed.get(new TopicPartition(run.topic(), 1));
        assertThat(partitionOne).as("partition 1 committed its range").isPositive();
        assertThat(metricsTotal("records"))
                .as("the failed batch's row counts partition 1's records")
                .isEqualTo(partitionOne);
    }

    /** Reads the committed offsets every 100 ms until told to stop; notes any that went back. */
    private void sampleCommitted(AtomicBoolean sampling, List<String> wentBack) {
        Map<TopicPartition, Long> last = Map.of();
        try {
            while (sampling.get()) {
                Map<TopicPartition, Long> now = fixture.committed(RUN.group());
                for (Map.Entry<TopicPartition, Long> e : now.entrySet()) {
                    Long before = last.get(e.getKey());
                    if (before != null && e.getValue() < before) {
                        wentBack.add(e.getKey() + ": " + before + " -> " + e.getValue());
                    }
                }
                last = now;
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (Exception e) {
            wentBack.add("sampling failed: " + e);
        }
    }

    private long metricsTotal(String column) throws Exception {
        long total = 0;
        byte[] family = Schema.BATCH_METRICS.familyBytes();
        byte[] qualifier = Schema.BATCH_METRICS.column(column).qualifierBytes();
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan().addColumn(family, qualifier))) {
            for (Result row : scanner) {
                total += Long.parseLong(Bytes.toString(row.getValue(family, qualifier)));
            }
        }
        return total;
    }
}
