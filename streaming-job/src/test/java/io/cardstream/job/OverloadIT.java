package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import io.cardstream.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Overload, and the guard against real-time monopolisation: the job runs under spark-submit with one core
 * ({@code local[1]}) and a cap of 625 records a second per partition (2,500 a batch on 4 partitions), and the
 * storm arrives at three times that for 10 s (or {@code cardstream.overload.seconds}). Backpressure may not go below
 * half the cap ({@code --min-rate}, as README's Sizing advises: with Spark's own floor of 100 records a second the
 * job ran 98-record batches for about 15 s after the storm, its backlog queued). No batch exceeds the cap,
 * the job stays up, its CPU stays within its one core (plus what the JVM itself needs), and once the storm has
 * passed the lag returns to zero.
 */
class OverloadIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("overload");
    private static final int PARTITIONS = 4;
    /**
     * Small enough that the storm's backlog drains in under a minute on a slow machine, where the job and HBase run
     * with the tests' C1 compiler (1,900 records a second drained with a cap of 5,000 a batch, 2026-12-03).
     */
    private static final int MAX_RATE_PER_PARTITION = 625;

    private static final long CAP = (long) MAX_RATE_PER_PARTITION * PARTITIONS; // records a 1 s batch
    private static final double RATE = 3.0 * CAP;
    /** 10 s in the suite; -Dcardstream.overload.seconds=60 for the full minute. */
    private static final int STORM_SECONDS = Integer.getInteger("cardstream.overload.seconds", 10);

    private static final long COUNT = (long) RATE * STORM_SECONDS;
    /** One task thread, plus the driver's threads, GC and JIT: more than this would be a second core. */
    private static final double MAX_CORES = 1.5;

    @Test
    void batchesStayUnderTheCapTheJobKeepsToItsCoreAndTheLagReturnsToZero() throws Exception {
        fixture.prepare(RUN, PARTITIONS, 5_000, 500);
        List<String> args = fixture.jobArgs(
                RUN,
                "--batch-interval-ms",
                "1000",
                "--max-rate-per-partition",
                Integer.toString(MAX_RATE_PER_PARTITION),
                "--initial-rate",
                "0",
                "--min-rate",
                Long.toString(CAP / 2));
        GeneratorConfig generator = new GeneratorConfig(303, 5_000, 500, 0.8, 0.01, 0.01);

        long startedAt = System.currentTimeMillis();
        try (JobProcess job = JobProcess.start(Path.of("target", "overload-it.log"), "local[1]", args)) {
            job.awaitFirstBatch(Duration.ofSeconds(120));
            ProcessHandle process = ProcessHandle.of(job.pid()).orElseThrow();
            Duration cpuBefore = cpu(process);
            long wallBefore = System.nanoTime();
            StormProducer.Summary summary = CompletableFuture.supplyAsync(
                            () -> fixture.produce(RUN.topic(), generator, COUNT, RATE))
                    .get(STORM_SECONDS + 120, TimeUnit.SECONDS);
            assertThat(summary.acked()).isEqualTo(COUNT);
            // the storm is over; the job works through the backlog at its capped rate
            long lagAfterStorm = COUNT - fixture.committedTotal(RUN.group());
            fixture.awaitCommittedAtLeast(
                    RUN.group(), COUNT / 2, Duration.ofSeconds(STORM_SECONDS * 3 + 120), job::isAlive);
            double cores = (cpu(process).minus(cpuBefore)).toNanos() / (double) (System.nanoTime() - wallBefore);
            long peakResident = peakResidentBytes(job.pid());
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), PARTITIONS, Duration.ofSeconds(STORM_SECONDS * 3 + 180), job::isAlive);
            long drained = System.nanoTime();
            assertThat(job.isAlive()).isTrue();
            assertThat(job.terminate(90)).isTrue();

            List<Long> batches = batchSizesSince(startedAt);
            long largest = batches.stream().mapToLong(Long::longValue).max().orElse(0);
            log.info(
                    "Overload: {} records at {}/s against a cap of {} a batch; lag {} when the storm ended, zero {} s"
                            + " later; {} batches, the largest {} records; the job's JVM used {} cores while overloaded;"
                            + " peak resident memory {} MB.",
                    COUNT,
                    (long) RATE,
                    CAP,
                    lagAfterStorm,
                    TimeUnit.NANOSECONDS.toSeconds(drained - wallBefore) - STORM_SECONDS,
                    batches.size(),
                    largest,
                    String.format("%.2f", cores),
                    peakResident >> 20);
            assertThat(lagAfterStorm).as("the storm outran the job").isGreaterThan(CAP);
            assertThat(largest).as("the largest batch").isLessThanOrEqualTo(CAP).isGreaterThan(CAP * 8 / 10);
            assertThat(cores)
                    .as("cores the job's JVM used while overloaded, with local[1]")
                    .isLessThanOrEqualTo(MAX_CORES);
            // -Xmx1g bounds the heap; the process as a whole must not grow far past it
            assertThat(peakResident).as("peak resident memory of the job's JVM").isLessThan(1_700L << 20);
        }
    }

    private static Duration cpu(ProcessHandle process) {
        return process.info()
                .totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException(
                        "The CPU time of process " + process.pid() + " is not available here."));
    }

    /** VmHWM of /proc/PID/status, in bytes. */
    private static long peakResidentBytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("No VmHWM in /proc/" + pid + "/status.");
    }

    /** The records of every batch the job's metrics rows show since {@code since}. */
    private List<Long> batchSizesSince(long since) throws Exception {
        List<Long> sizes = new ArrayList<>();
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan())) {
            for (Result row : scanner) {
                if (Long.parseLong(metric(row, "batch_time")) >= since) {
                    sizes.add(Long.parseLong(metric(row, "records")));
                }
            }
        }
        return sizes;
    }

    private static String metric(Result row, String column) {
        return Bytes.toString(row.getValue(
                Schema.BATCH_METRICS.familyBytes(),
                Schema.BATCH_METRICS.column(column).qualifierBytes()));
    }
}
