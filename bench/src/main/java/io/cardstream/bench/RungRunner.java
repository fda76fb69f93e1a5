package io.cardstream.bench;

import io.cardstream.job.BatchSummary;
import io.cardstream.job.EnrichedRows;
import io.cardstream.job.JobConfig;
import io.cardstream.job.JobSettings;
import io.cardstream.job.PartitionResult;
import io.cardstream.job.StreamingJob;
import io.cardstream.localstack.LocalStack;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import io.cardstream.schema.TxRow;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.RandomRowFilter;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one rung of a ladder: a fresh topic and consumer group, the job (the pipeline, or the naive design) in this
 * JVM, the open-loop producer in a JVM of its own until the hold window ends; then measures that window, which
 * starts once the job has caught up with the rung's start: Spark's own batch timings, lag growth, this JVM's CPU and
 * heap, and event-to-stored latency over a sample of the rows stored.
 */
final class RungRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RungRunner.class);
    private static final int PARTITIONS = 4;
    private static final int LATENCY_SAMPLE = 200_000;
    private static final int CAUGHT_UP_BATCHES = 3;
    /** A rung's batches may hold up to 3 times the rate's share: room to catch up after a slow batch. */
    private static final int CATCH_UP_FACTOR = 3;
    /** A job still draining its start's backlog at the warm-up's end gets up to this many times that to finish. */
    private static final int DRAINING_WARMUP_FACTOR = 2;

    private static final TableSpec TX = Schema.TX_ENRICHED;

    /** The design of the pipeline writing the wide row layout, into {@link #WIDE_TABLE}: the layout before packed. */
    static final String PIPELINE_WIDE = "pipeline-wide";

    /** The transactions table of {@link #PIPELINE_WIDE}: tx_enriched's settings and splits, marked wide. */
    static final TableName WIDE_TABLE = TableName.valueOf(Schema.NAMESPACE, "tx_enriched_wide");

    /** The table {@code design} writes its rows to. */
    static TableName txTable(String design) {
        return design.equals(PIPELINE_WIDE) ? WIDE_TABLE : TX.tableName();
    }

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final String master;
    private int rung;

    private volatile Process producer;

    RungRunner(BenchContext ctx, BenchSettings settings, String master) {
        this.ctx = ctx;
        this.settings = settings;
        this.master = master;
        // the producer JVM is ours: it must not outlive an interrupted benchmark
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            Process p = producer;
                            if (p != null) {
                                p.destroyForcibly();
                            }
                        },
                        "bench-producer-stop"));
    }

    /** A finished batch, as Spark reports it. */
    record Batch(long batchTime, long records, long processingMs, long schedulingMs) {

        /** When it finished: Spark submits a batch at its time, which then waits and is processed. */
        long finishedAt() {
            return batchTime + schedulingMs + processingMs;
        }
    }

    /**
     * The batches that finished within the window: what the job did in it. Not those whose time falls in it: a job
     * behind by more than the window finishes none of those within it, and would seem to have done nothing.
     */
    static List<Batch> finishedWithin(List<Batch> batches, long from, long to) {
        return batches.stream()
                .filter(b -> b.finishedAt() >= from && b.finishedAt() < to)
                .toList();
    }

    /**
     * An unmeasured pipeline run that lets this JVM compile Spark's, Kafka's and HBase's client paths first; without
     * it the first rung measures a cold JVM (its batches then cost seconds whatever their size). Says whether the
     * JVM is warm: over the run's second half (the first holds the cold start), batches no larger than the rate's
     * took less than the interval to process, whatever backlog the cold start left.
     */
    boolean warmUp(long rate, long seconds) throws Exception {
        RateResult r = run("pipeline", 1000, rate, 1, seconds / 2, seconds / 2, seconds - seconds / 2);
        return r.batches() > 0 && r.avgProcessingMs() < 1000;
    }

    RateResult run(String design, long intervalMs, long rate) throws Exception {
        return run(
                design,
                intervalMs,
                rate,
                CATCH_UP_FACTOR,
                settings.warmupSeconds(),
                settings.warmupMaxSeconds(),
                settings.holdSeconds());
    }

    /**
     * One rung: the window of {@code hold} seconds starts after at least {@code warmup} seconds, once the job has
     * caught up with the start (its first batches fill the dimension cache and can queue a backlog), and after
     * {@code warmupMax} seconds whether it has or not, unless it is visibly draining its start's backlog then (see
     * {@link #drainingStart}): then after up to {@value #DRAINING_WARMUP_FACTOR} times {@code warmupMax}, since
     * measuring a queue that is still going down says nothing about the rate it can hold. A batch takes at most
     * {@code catchUp} times the rate's share of records (backpressure's ceiling,
     * {@code spark.streaming.kafka.maxRatePerPartition}).
     */
    private RateResult run(
            String design, long intervalMs, long rate, int catchUp, long warmup, long warmupMax, long hold)
            throws Exception {
        rung++;
        String name = "bench-" + design + "-" + intervalMs + "-" + rate + "-" + rung;
        long seed = 1000L + rung;
        ctx.createTopic(name, PARTITIONS);
        List<Batch> batches = new CopyOnWriteArrayList<>();
        StreamingListener listener = new StreamingListener() {
            @Override
            public void onBatchCompleted(StreamingListenerBatchCompleted completed) {
                BatchInfo info = completed.batchInfo();
                batches.add(new Batch(
                        info.batchTime().milliseconds(),
                        info.numRecords(),
                        (Long) info.processingDelay().getOrElse(() -> 0L),
                        (Long) info.schedulingDelay().getOrElse(() -> 0L)));
            }
        };
        // Sustainable means keeping up with the rate: the backpressure estimate may not sink below it (the job's
        // --min-rate; it undershoots after slow batches and then recovers for a minute, see notes/kafka-spark.md).
        long maxRatePerPartition = Math.max(1000, rate * catchUp / PARTITIONS);
        Map<Long, PartitionResult.TaskTimes> taskTimes = new ConcurrentHashMap<>();
        RungJob job = startJob(
                design,
                name,
                intervalMs,
                maxRatePerPartition,
                rate,
                listener,
                summary -> taskTimes.put(summary.batchTime(), summary.taskTimes()));
        producer = startProducer(name, rate, warmupMax * DRAINING_WARMUP_FACTOR + hold + 5, seed);
        try {
            long t0 = System.currentTimeMillis();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long windowStart = Long.MAX_VALUE;
            long windowEnd = Long.MAX_VALUE;
            long cpuStart = -1;
            CpuReading stackCpuStart = null;
            CpuReading stackCpuLast = null;
            long[] stackPids = {pid(LocalStack.HBASE), pid(LocalStack.KAFKA), producer.pid()};
            long heapMax = 0;
            List<double[]> lags = new ArrayList<>();
            boolean extended = false;
            while (System.currentTimeMillis() < windowEnd) {
                long now = System.currentTimeMillis();
                if (windowStart == Long.MAX_VALUE && now >= t0 + warmup * 1000) {
                    boolean caughtUp = caughtUp(batches, t0, intervalMs, rate);
                    boolean pastWarmup = now >= t0 + warmupMax * 1000;
                    // decided once, at the warm-up's end: one slow batch while draining does not cut the wait short.
                    // Not for the JVM warm-up (warmup == warmupMax), which measures its second half as it comes.
                    if (pastWarmup
                            && !extended
                            && !caughtUp
                            && warmupMax > warmup
                            && drainingStart(batches, t0, intervalMs)) {
                        extended = true;
                        LOG.info(
                                "{} at {} ms, {} tx/s: still draining its start's backlog after {} s; waiting up to"
                                        + " {} s for it to catch up.",
                                design,
                                intervalMs,
                                rate,
                                warmupMax,
                                warmupMax * DRAINING_WARMUP_FACTOR);
                    }
                    boolean waitOver = extended ? now >= t0 + warmupMax * DRAINING_WARMUP_FACTOR * 1000 : pastWarmup;
                    if (caughtUp || waitOver) {
                        windowStart = now;
                        windowEnd = now + hold * 1000;
                        if (warmupMax > warmup) {
                            LOG.info(
                                    "{} at {} ms, {} tx/s: measuring from {} s after the start{}.",
                                    design,
                                    intervalMs,
                                    rate,
                                    (now - t0) / 1000,
                                    caughtUp ? ", the job having caught up" : "; the job had not caught up");
                        }
                    }
                }
                if (cpuStart < 0 && now >= windowStart) {
                    cpuStart = os.getProcessCpuTime();
                    stackCpuStart = CpuReading.of(stackPids);
                } else if (stackCpuStart != null) {
                    // read every second, not at the end: the producer exits when the window ends
                    stackCpuLast = CpuReading.of(stackPids);
                }
                if (now >= windowStart) {
                    heapMax = Math.max(heapMax, memory.getHeapMemoryUsage().getUsed());
                    long lag = ctx.lag(name, PARTITIONS, name);
                    if (lag >= 0) {
                        lags.add(new double[] {(now - windowStart) / 1000.0, lag});
                    }
                }
                Thread.sleep(1000 - System.currentTimeMillis() % 1000);
            }
            double cpuCores = (os.getProcessCpuTime() - cpuStart) / 1e9 / hold;
            double[] stackCores = CpuReading.cores(stackPids.length, stackCpuStart, stackCpuLast);
            long from = windowStart;
            long to = windowEnd;
            List<Batch> window = finishedWithin(batches, from, to);
            long records = window.stream().mapToLong(Batch::records).sum();
            double achieved = records / (double) hold;
            double avgProcessing =
                    window.stream().mapToLong(Batch::processingMs).average().orElse(0);
            double avgScheduling =
                    window.stream().mapToLong(Batch::schedulingMs).average().orElse(0);
            long maxScheduling =
                    window.stream().mapToLong(Batch::schedulingMs).max().orElse(0);
            // Committed offsets trail by a batch or two (commits are asynchronous), so one lag reading is noisy by
            // that much: the trend over the window's once-a-second readings is what says whether lag grows.
            long lagGrowth = Math.round(slope(lags) * hold);
            boolean sustainable = RateResult.sustainable(avgScheduling, intervalMs, lagGrowth, rate, achieved);
            stopProducer();
            // a job that kept up finishes its last batch or two and stops cleanly; one that fell behind would work
            // through its queue first, so it is stopped at once (its running batch is cut short)
            stopQuietly(job, sustainable);
            Percentiles latency = latency(txTable(design), seed, windowStart, windowEnd, rate * hold);
            RateResult r = new RateResult(
                    design,
                    intervalMs,
                    rate,
                    achieved,
                    window.size(),
                    avgProcessing,
                    avgScheduling,
                    maxScheduling,
                    lagGrowth,
                    latency.at(50),
                    latency.at(95),
                    latency.at(99),
                    latency.max(),
                    latency.size(),
                    cpuCores,
                    heapMax >> 20,
                    stackCores[0],
                    stackCores[1],
                    stackCores[2],
                    sustainable,
                    averageTaskTimes(window, taskTimes));
            LOG.info("{} at {} ms, {} tx/s: {}", design, intervalMs, rate, r);
            return r;
        } finally {
            stopQuietly(job, false);
            stopProducer();
        }
    }

    private void stopProducer() throws InterruptedException {
        producer.destroyForcibly();
        producer.waitFor(30, TimeUnit.SECONDS);
    }

    /** A rung's job: the product's or the naive one. Stopping twice does nothing the second time. */
    @FunctionalInterface
    private interface RungJob {
        void stop(boolean gracefully) throws Exception;
    }

    /**
     * Whether the job has caught up with a rung's start: its last {@value #CAUGHT_UP_BATCHES} batches since
     * {@code t0} each held at least half of the rate's records (the first ones, before the producer is up, are
     * empty and quick) and started within half an interval of their time.
     */
    static boolean caughtUp(List<Batch> batches, long t0, long intervalMs, long rate) {
        long half = rate * intervalMs / 1000 / 2;
        List<Batch> last = lastSince(batches, t0);
        return !last.isEmpty() && last.stream().allMatch(b -> b.records() >= half && b.schedulingMs() < intervalMs / 2);
    }

    /** The last {@value #CAUGHT_UP_BATCHES} batches since {@code t0}, in order; empty while there are fewer. */
    private static List<Batch> lastSince(List<Batch> batches, long t0) {
        List<Batch> since = batches.stream().filter(b -> b.batchTime() >= t0).toList();
        return since.size() < CAUGHT_UP_BATCHES
                ? List.of()
                : since.subList(since.size() - CAUGHT_UP_BATCHES, since.size());
    }

    /**
     * Whether the job is working off its start's backlog: its last {@value #CAUGHT_UP_BATCHES} batches since
     * {@code t0} each took less than the interval and their scheduling delay went down (the queue of batches is
     * shrinking).
     */
    static boolean drainingStart(List<Batch> batches, long t0, long intervalMs) {
        List<Batch> last = lastSince(batches, t0);
        return !last.isEmpty()
                && last.stream().allMatch(b -> b.processingMs() < intervalMs)
                && last.get(last.size() - 1).schedulingMs() < last.get(0).schedulingMs();
    }

    private long pid(String service) {
        Long pid = ctx.stack().pids().get(service);
        return pid == null ? -1 : pid;
    }

    /** The CPU time each process has used so far, in nanoseconds (-1 where the OS does not say), and when. */
    record CpuReading(long atMillis, long[] nanos) {

        static CpuReading of(long[] pids) {
            long[] cpu = new long[pids.length];
            for (int i = 0; i < pids.length; i++) {
                cpu[i] = ProcessHandle.of(pids[i])
                        .flatMap(p -> p.info().totalCpuDuration())
                        .map(Duration::toNanos)
                        .orElse(-1L);
            }
            return new CpuReading(System.currentTimeMillis(), cpu);
        }

        /** Cores each of {@code processes} used from {@code start} to {@code end}; -1 where a reading is missing. */
        static double[] cores(int processes, CpuReading start, CpuReading end) {
            double[] cores = new double[processes];
            Arrays.fill(cores, -1);
            if (start == null || end == null || end.atMillis <= start.atMillis) {
                return cores;
            }
            double seconds = (end.atMillis - start.atMillis) / 1000.0;
            for (int i = 0; i < processes; i++) {
                if (start.nanos[i] >= 0 && end.nanos[i] >= 0) {
                    cores[i] = (end.nanos[i] - start.nanos[i]) / 1e9 / seconds;
                }
            }
            return cores;
        }
    }

    /**
     * The window's batches' task times, averaged a batch: null when none was reported (the naive design, or no batch
     * in the window).
     */
    static PartitionResult.TaskTimes averageTaskTimes(List<Batch> window, Map<Long, PartitionResult.TaskTimes> times) {
        List<PartitionResult.TaskTimes> known = window.stream()
                .map(b -> times.get(b.batchTime()))
                .filter(Objects::nonNull)
                .toList();
        if (known.isEmpty()) {
            return null;
        }
        return known.stream()
                .reduce(PartitionResult.TaskTimes.NONE, PartitionResult.TaskTimes::plus)
                .dividedBy(known.size());
    }

    private RungJob startJob(
            String design,
            String topic,
            long intervalMs,
            long maxRatePerPartition,
            long minRate,
            StreamingListener listener,
            Consumer<BatchSummary> summaries)
            throws IOException {
        if (design.equals("naive")) {
            NaiveJob naive = new NaiveJob(
                    ctx.bootstrapServers(),
                    topic,
                    topic,
                    intervalMs,
                    maxRatePerPartition,
                    minRate,
                    master,
                    ctx.hbaseSettings(),
                    listener);
            naive.start();
            return naive::stop;
        }
        JobConfig config = JobConfig.defaults(ctx.bootstrapServers())
                .with(JobSettings.TOPIC, topic)
                .with(JobSettings.GROUP_ID, topic)
                .with(JobSettings.DLQ_TOPIC, "bench-dlq")
                .with(JobSettings.BATCH_INTERVAL_MS, intervalMs)
                .with(JobSettings.MAX_RATE_PER_PARTITION, maxRatePerPartition)
                .with(JobSettings.INITIAL_RATE, 0L)
                .with(JobSettings.MIN_RATE, minRate)
                .with(JobSettings.MASTER, master)
                .with(JobSettings.PERSON_TABLE, Schema.PERSON.tableName().getNameAsString())
                .with(JobSettings.COMPANY_TABLE, Schema.COMPANY.tableName().getNameAsString())
                .with(JobSettings.TX_TABLE, txTable(design).getNameAsString())
                .with(JobSettings.ROW_LAYOUT, (design.equals(PIPELINE_WIDE) ? RowLayout.WIDE : RowLayout.PACKED).id())
                .with(
                        JobSettings.METRICS_TABLE,
                        Schema.BATCH_METRICS.tableName().getNameAsString())
                .withHbaseProperties(ctx.hbaseSettings());
        StreamingJob job = new StreamingJob(config);
        job.addListener(listener);
        job.addSummaryObserver(summaries);
        job.start();
        return job::stop;
    }

    private Process startProducer(String topic, long rate, long seconds, long seed) throws IOException {
        List<String> command = ctx.javaCommand("producer", "1g");
        command.addAll(List.of(
                "io.cardstream.producer.ProduceCommand",
                "--bootstrap-servers",
                ctx.bootstrapServers(),
                "--topic",
                topic,
                "--rate",
                Long.toString(rate),
                "--duration",
                Long.toString(seconds),
                "--seed",
                Long.toString(seed),
                "--persons",
                Integer.toString(settings.persons()),
                "--companies",
                Integer.toString(settings.companies()),
                "--skew",
                "0.8",
                "--bad-ratio",
                "0.01",
                "--unknown-ratio",
                "0.005"));
        Path log = ctx.logDir().resolve(topic + "-producer.log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Event time to stored over a random sample of this rung's rows whose event time is in the window. */
    private Percentiles latency(TableName txTable, long seed, long windowStart, long windowEnd, long expectedRows)
            throws IOException {
        String prefix = new TransactionGenerator(GeneratorConfig.defaults(seed))
                .generate(0)
                .transaction()
                .txId();
        prefix = prefix.substring(0, prefix.indexOf('-') + 1);
        float chance = (float) Math.min(1.0, LATENCY_SAMPLE / (double) Math.max(1, expectedRows));
        List<Long> values = new ArrayList<>();
        try (Table table = ctx.hbase().getTable(txTable)) {
            for (int salt = 0; salt < 16; salt++) {
                Scan scan = new Scan()
                        .setRowPrefixFilter(
                                String.format("%02x-%s", salt, prefix).getBytes(StandardCharsets.UTF_8))
                        .addFamily(TX.familyBytes())
                        .setTimeRange(EnrichedRows.firstVersionAt(windowStart), EnrichedRows.firstVersionAt(windowEnd))
                        .setCaching(5000)
                        .setCacheBlocks(false);
                if (chance < 1) {
                    scan.setFilter(new RandomRowFilter(chance));
                }
                try (ResultScanner scanner = table.getScanner(scan)) {
                    for (Result r : scanner) {
                        TxRow row = TxRow.read(r);
                        if (row.eventTime() > 0 && row.processedTime() > 0) {
                            values.add(row.processedTime() - row.eventTime());
                        }
                    }
                }
            }
        }
        return new Percentiles(values.stream().mapToLong(Long::longValue).toArray());
    }

    /** Least-squares slope of y over x; 0 for fewer than two points. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private static void stopQuietly(RungJob job, boolean gracefully) {
        try {
            job.stop(gracefully);
        } catch (Exception e) {
            LOG.warn("Stopping a benchmark job failed: {}", e.toString());
        }
    }
}
