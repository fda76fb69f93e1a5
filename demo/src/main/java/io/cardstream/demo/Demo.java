package io.cardstream.demo;

import io.cardstream.core.Topics;
import io.cardstream.dashboard.Access;
import io.cardstream.dashboard.BatchRow;
import io.cardstream.dashboard.DashboardCommand;
import io.cardstream.dashboard.DashboardServer;
import io.cardstream.dashboard.MetricsReader;
import io.cardstream.job.JobCommand;
import io.cardstream.job.JobConfig;
import io.cardstream.job.StreamingJob;
import io.cardstream.localstack.LocalStack;
import io.cardstream.localstack.LocalStackConfig;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.RateSchedule;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TopicAdmin;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.DimensionLoader;
import io.cardstream.schema.HBaseOptions;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run: the local stack, the schema and dimensions, both topics, the dashboard, the job and the producer,
 * started in that order; a status line a second; then, for a timed run, drain, reconcile and summarise. Ctrl-C
 * (or SIGTERM) stops the producer, then the job gracefully, then the dashboard, and last the two service JVMs, in
 * shutdown hooks ordered around Spark's own.
 */
final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    private static final String GROUP = "cardstream-job";
    private static final TableName TX_TABLE = Schema.TX_ENRICHED.tableName();
    private static final TableName METRICS_TABLE = Schema.BATCH_METRICS.tableName();
    /** Before Spark's shutdown hook (priority 40 in Hadoop's manager), like the job's own. */
    private static final int STOP_PIPELINE_PRIORITY = 100;
    /** After the job's executor resources (priority 10), which still talk to Kafka and HBase while closing. */
    private static final int STOP_STACK_PRIORITY = 5;
    /** The producer's ramp: these shares of the rate for {@link #RAMP_STEP_SECONDS} each, then the full rate. */
    static final double[] RAMP = {0.1, 0.25, 0.5, 0.75, 1.0};

    static final long RAMP_STEP_SECONDS = 5;
    static final String MIN_RATE_PROPERTY = "spark.streaming.backpressure.pid.minRate";

    private final DemoSettings settings;
    private final PrintWriter out;
    private final long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<StormProducer.Progress> progress = new AtomicReference<>();
    /** Running sums over the batches seen so far, read from batch_metrics (each batch counted once). */
    private long lastBatchSeen = -1;

    private long stored;
    private long deadLettered;
    /** (millis, stored) of the last status lines, for the rate the job stores at. */
    private final ArrayDeque<long[]> storedSamples = new ArrayDeque<>();

    private volatile LocalStack stack;
    /** The demo's own work: schema, dimensions, reconciliation; HBase's usual client timeouts. */
    private volatile Connection hbase;
    /** The dashboard's reads, which give up after a few seconds rather than hang a page. */
    private volatile Connection dashboardHBase;

    private volatile Admin kafkaAdmin;
    private volatile DashboardServer dashboard;
    private volatile StreamingJob job;
    private volatile Thread producerThread;
    private final AtomicReference<StormProducer.Summary> produced = new AtomicReference<>();
    private long firstStoredMillis = -1;

    Demo(DemoSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs the demo; returns the process's exit code. */
    int run() {
        ShutdownHookManager.get().addShutdownHook(this::stopPipeline, STOP_PIPELINE_PRIORITY, 120, TimeUnit.SECONDS);
        ShutdownHookManager.get().addShutdownHook(this::stopStack, STOP_STACK_PRIORITY, 60, TimeUnit.SECONDS);
        Path log = Path.of(System.getProperty(
                "cardstream.demo.log",
                settings.dataDir().resolve("logs/demo.log").toString()));
        try {
            say("Starting Kafka (KRaft) and HBase under %s ...", settings.dataDir());
            stack = LocalStack.start(
                            LocalStackConfig.defaults(settings.dataDir().resolve("stack"))
                                    .withHeaps(settings.kafkaHeap(), settings.hbaseHeap())
                                    .withKafkaPartitions(settings.partitions()))
                    .withoutShutdownHook();
            say(
                    "Kafka is up at %s (%.1f s), HBase at ZooKeeper %s:%d (%.1f s).",
                    stack.bootstrapServers(),
                    stack.readyMillis().get(LocalStack.KAFKA) / 1000.0,
                    stack.zookeeperQuorum(),
                    stack.zookeeperPort(),
                    stack.readyMillis().get(LocalStack.HBASE) / 1000.0);
            checkStopping();

            Configuration conf = new HBaseOptions().configuration();
            hbaseSettings().forEach(conf::set);
            hbase = HBaseOptions.connect(conf);
            try (org.apache.hadoop.hbase.client.Admin admin = hbase.getAdmin()) {
                new SchemaManager(admin, Compression.Algorithm.NONE).create();
            }
            say(
                    "Created the HBase schema (namespace %s: person, company, tx_enriched, batch_metrics).",
                    Schema.NAMESPACE);
            DimensionLoader loader = new DimensionLoader(hbase, settings.seed());
            DimensionLoader.Loaded persons = loader.loadPersons(settings.persons(), n -> checkStopping());
            DimensionLoader.Loaded companies = loader.loadCompanies(settings.companies(), n -> checkStopping());
            say(
                    "Loaded %,d cardholders and %,d merchants into HBase in %.1f s.",
                    persons.rows(), companies.rows(), persons.seconds() + companies.seconds());

            kafkaAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
            TopicAdmin.createAndAwait(
                    kafkaAdmin, Topics.TRANSACTIONS, settings.partitions(), (short) 1, Duration.ofSeconds(60));
            TopicAdmin.createDeadLetterTopicAndAwait(
                    kafkaAdmin, Topics.DEAD_LETTER, 1, (short) 1, Duration.ofSeconds(60));
            checkStopping();

            Configuration readerConf = new Configuration(conf);
            dashboardHBase = HBaseOptions.connect(DashboardCommand.readerConfiguration(readerConf));
            MetricsReader reader = new MetricsReader(dashboardHBase, METRICS_TABLE, TX_TABLE);
            dashboard = DashboardServer.start(
                    reader,
                    settings.bind(),
                    settings.port(),
                    Access.of(settings.bind(), List.of(), DashboardCommand.token(null)));

            // Spark's backpressure PID undershoots after slow (cold) batches: small batches carry the fixed per-batch
            // cost, look slow, and keep the estimate far below capacity for a minute (notes/kafka-spark.md). The demo
            // knows its arrival rate, so the estimate never goes below it, unless the --job-config file sets its own
            // min-rate. A spark.* system property wins over both.
            JobConfig jobConfig = JobCommand.parse(jobArgs(0));
            if (jobConfig.minRate() == 0) {
                jobConfig = JobCommand.parse(jobArgs(Math.round(settings.rate())));
            }
            LOG.info("The demo starts the job with {}.", jobConfig.describe());
            job = new StreamingJob(jobConfig);
            job.start();
            checkStopping();

            TransactionGenerator generator = new TransactionGenerator(generatorConfig());
            startProducer(generator);
            printWhereToLook(log, jobConfig);

            boolean timed = settings.durationSeconds() > 0;
            while (!stopping.get() && (!timed || producerThread.isAlive())) {
                statusLine(reader, "");
                if (job.failure() != null) {
                    throw new IllegalStateException("The job stopped because a batch failed (nothing of that batch"
                            + " was committed): " + job.failure());
                }
                sleepUntilNextSecond();
            }
            if (!timed || stopping.get()) {
                return 0;
            }
            StormProducer.Summary summary = produced.get();
            say(
                    "The producer stopped: %,d records sent, %,d acknowledged, %,d failed (%.0f/s on average).",
                    summary.sent(), summary.acked(), summary.errors(), summary.averageRate());
            boolean drained = drain(reader);
            job.stop(true);
            say("Reconciling what was produced with HBase and the dead-letter topic ...");
            Reconciliation r = new Reconciler(hbase, stack.bootstrapServers())
                    .reconcile(
                            summary.sent(),
                            summary.acked(),
                            generator::generate,
                            TX_TABLE,
                            Schema.BATCH_METRICS.tableName(),
                            Topics.DEAD_LETTER);
            printMemory();
            if (!drained) {
                say("The job did not catch up within the drain time; the counts below are what was stored by then.");
            }
            if (r.reconciled()) {
                say(
                        "Reconciled: all %,d valid transactions are stored once, and the %,d invalid ones are in %s;"
                                + " %,d records repeated the txId of another.",
                        r.valid(), r.deadLettered(), Topics.DEAD_LETTER, r.repeated());
            } else {
                say(
                        "NOT reconciled: %,d valid transactions are missing from %s; produced %,d <> enriched %,d +"
                                + " dead-lettered %,d + repeated %,d.",
                        r.missing(), TX_TABLE, r.produced(), r.enriched(), r.deadLettered(), r.repeated());
            }
            out.println(r.summaryLine());
            out.flush();
            return r.reconciled() && summary.errors() == 0 ? 0 : 1;
        } catch (Stopping e) {
            return 130;
        } catch (Exception e) {
            if (stopping.get()) {
                return 130;
            }
            LOG.error("The demo failed: {}", e.toString(), e);
            out.println("cardstream demo: failed: " + e.getMessage());
            out.println("See " + log
                    + (stack != null ? " and " + settings.dataDir().resolve("stack/logs") : "") + " for details.");
            out.flush();
            return 1;
        }
    }

    private String[] jobArgs(long minRate) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--zookeeper-quorum",
                stack.zookeeperQuorum(),
                "--zookeeper-port",
                Integer.toString(stack.zookeeperPort()),
                "--master",
                "local[2]",
                "--starting-offsets",
                "earliest"));
        if (settings.jobConfig() != null) {
            args.addAll(List.of("--config", settings.jobConfig().toString()));
        }
        // --batch-interval (default 1s) always wins over a batch-interval-ms in the --job-config file
        args.addAll(List.of("--batch-interval-ms", Long.toString(settings.batchIntervalMs())));
        if (minRate > 0) {
            args.addAll(List.of("--min-rate", Long.toString(minRate)));
        }
        return args.toArray(String[]::new);
    }

    private GeneratorConfig generatorConfig() {
        return new GeneratorConfig(
                settings.seed(),
                settings.persons(),
                settings.companies(),
                settings.skew(),
                settings.badRatio(),
                settings.unknownRatio());
    }

    private Map<String, String> hbaseSettings() {
        Map<String, String> s = new HashMap<>(stack.connectionProperties());
        s.remove("bootstrap.servers");
        return s;
    }

    private void startProducer(TransactionGenerator generator) {
        KafkaProducer<byte[], byte[]> kafka =
                new KafkaProducer<>(StormProducer.kafkaProperties(stack.bootstrapServers(), Map.of()));
        producerThread = new Thread(
                () -> {
                    try (kafka) {
                        produced.set(produce(kafka, generator));
                    } catch (RuntimeException e) {
                        LOG.error("The producer failed: {}", e.toString(), e);
                    }
                },
                "demo-producer");
        producerThread.setDaemon(true);
        producerThread.start();
    }

    /**
     * The storm, open loop: a ramp ({@link #RAMP}) lets the three cold JVMs compile their hot code before the full
     * rate (on 2 cores the first 15 s of batches cost over 1 s each whatever their size), so the first batches do
     * not build a backlog that a machine running near its limit takes a minute to drain; then the full rate until
     * the duration or Ctrl-C.
     */
    private StormProducer.Summary produce(KafkaProducer<byte[], byte[]> kafka, TransactionGenerator generator) {
        boolean timed = settings.durationSeconds() > 0;
        StormProducer.Summary total = StormProducer.Summary.NONE;
        long elapsed = 0;
        for (double share : RAMP) {
            boolean ramp = share < 1;
            long left = settings.durationSeconds() - elapsed;
            if (stopping.get() || (timed && left <= 0)) {
                break;
            }
            // a ramp step lasts RAMP_STEP_SECONDS (less if the duration ends first); the full rate lasts what is left
            Duration phase = ramp
                    ? Duration.ofSeconds(timed ? Math.min(RAMP_STEP_SECONDS, left) : RAMP_STEP_SECONDS)
                    : timed ? Duration.ofSeconds(left) : null;
            long ackedBefore = total.acked();
            StormProducer storm = new StormProducer(
                    kafka, Topics.TRANSACTIONS, generator, RateSchedule.steady(settings.rate() * share));
            total = total.plus(storm.run(
                    total.sent(),
                    -1,
                    phase,
                    stopping::get,
                    p -> progress.set(new StormProducer.Progress(
                            p.elapsedSeconds(),
                            p.sent(),
                            ackedBefore + p.acked(),
                            p.errors(),
                            p.currentRate(),
                            p.targetRate(),
                            p.behindMs()))));
            elapsed += ramp ? RAMP_STEP_SECONDS : 0;
        }
        return total;
    }

    private void printWhereToLook(Path log, JobConfig jobConfig) {
        out.println();
        out.println("cardstream demo is running.");
        out.println("  Dashboard   " + dashboard.url());
        job.uiUrl().ifPresent(u -> out.println("  Spark UI    " + u + " (Streaming tab: every micro-batch)"));
        out.println("  Kafka       " + stack.bootstrapServers() + ", topics " + Topics.TRANSACTIONS + " ("
                + settings.partitions() + " partitions) and " + Topics.DEAD_LETTER);
        out.println("  HBase       ZooKeeper " + stack.zookeeperQuorum() + ":" + stack.zookeeperPort() + ", tables "
                + TX_TABLE + " and " + METRICS_TABLE);
        out.println("  Logs        " + log + " (the job's line per batch); "
                + settings.dataDir().resolve("stack/logs"));
        out.println("  Job         " + jobConfig.batchIntervalMs() + " ms batches on local[2], at most "
                + jobConfig.maxRatePerPartition() + " records/s per partition, backpressure "
                + (jobConfig.backpressure()
                        ? "on (no lower than "
                                + System.getProperty(MIN_RATE_PROPERTY, Long.toString(jobConfig.minRate())) + "/s)"
                        : "off"));
        out.printf(
                "Producing %,.0f transactions a second after a %d s ramp (%.1f%% invalid, %.1f%% with unknown ids)"
                        + " %s; Ctrl-C stops everything.%n",
                settings.rate(),
                (RAMP.length - 1) * RAMP_STEP_SECONDS,
                settings.badRatio() * 100,
                settings.unknownRatio() * 100,
                settings.durationSeconds() > 0 ? "for " + settings.durationSeconds() + " s" : "until stopped");
        out.flush();
    }

    /** Prints one status line from the producer's progress, the newest batches and the consumer lag. */
    private void statusLine(MetricsReader reader, String phase) {
        BatchRow newest = null;
        try {
            List<BatchRow> rows = reader.latest(20);
            for (int i = rows.size() - 1; i >= 0; i--) {
                BatchRow row = rows.get(i);
                if (row.batchTime() > lastBatchSeen) {
                    stored += row.enriched();
                    deadLettered += row.deadLettered();
                    lastBatchSeen = row.batchTime();
                }
            }
            newest = rows.isEmpty() ? null : rows.get(0);
        } catch (IOException e) {
            LOG.warn("Reading batch metrics failed: {}", e.toString());
        }
        if (firstStoredMillis < 0 && stored > 0) {
            firstStoredMillis = System.currentTimeMillis();
            say(
                    "The first enriched rows are in HBase, %.1f s after the demo's JVM started.",
                    (firstStoredMillis - startMillis) / 1000.0);
        }
        StormProducer.Progress p = progress.get();
        StormProducer.Summary done = produced.get();
        long lag = lag();
        StringBuilder line = new StringBuilder(String.format(
                "[%4d s]%s produced %,d",
                (System.currentTimeMillis() - startMillis) / 1000,
                phase,
                done != null ? done.acked() : p == null ? 0 : p.acked()));
        if (p != null && phase.isEmpty()) {
            line.append(String.format(" (%,.0f/s)", p.currentRate()));
        }
        line.append(String.format(
                " | stored %,d | dead-lettered %,d | lag %s",
                stored, deadLettered, lag < 0 ? "?" : String.format("%,d", lag)));
        if (newest != null) {
            line.append(String.format(
                    " | last batch %,d records, processing %,d ms, delay %,d ms, p99 %,d ms",
                    newest.records(), newest.processingMs(), newest.schedulingMs(), newest.latencyP99Ms()));
        }
        long now = System.currentTimeMillis();
        storedSamples.addLast(new long[] {now, stored});
        while (storedSamples.size() > 2 && now - storedSamples.peekFirst()[0] > STORED_RATE_WINDOW_MS) {
            storedSamples.removeFirst();
        }
        long[] first = storedSamples.peekFirst();
        double storedPerSecond = now > first[0] ? (stored - first[1]) * 1000.0 / (now - first[0]) : 0;
        if (phase.isEmpty() && p != null) {
            line.append(behindWarning(lag, p.targetRate(), storedPerSecond));
        }
        out.println(line);
        out.flush();
    }

    /** How far back the rate the job stores at is measured. */
    private static final long STORED_RATE_WINDOW_MS = 10_000;

    /** A status line's end once the job is this far behind the producer. */
    static final double BEHIND_SECONDS = 5;

    /**
     * What a status line says when the job is behind: how far (the lag over the producer's rate) and a rate this
     * machine holds (80% of what the job stored a second lately, in thousands, never below 1,000); empty when the job
     * keeps up.
     */
    static String behindWarning(long lag, double targetRate, double storedPerSecond) {
        if (lag < 0 || targetRate <= 0 || lag / targetRate < BEHIND_SECONDS) {
            return "";
        }
        double holds = storedPerSecond > 0 ? storedPerSecond * 0.8 : targetRate / 2;
        long suggested = Math.max(1_000, (long) (holds / 1_000) * 1_000);
        return String.format(
                " | behind by %.0f s: this machine cannot hold %,.0f tx/s; try --rate %d",
                lag / targetRate, targetRate, suggested);
    }

    /** Records in the transactions topic not yet committed by the job's group; -1 when Kafka does not say. */
    private long lag() {
        return TopicAdmin.lag(kafkaAdmin, Topics.TRANSACTIONS, settings.partitions(), GROUP);
    }

    /** Waits until the job has committed the whole topic; false when that took longer than the drain time. */
    private boolean drain(MetricsReader reader) {
        long limitMs = Math.max(120_000, settings.durationSeconds() * 2_000);
        long deadline = System.currentTimeMillis() + limitMs;
        say("Waiting for the job to drain the topic (at most %d s) ...", limitMs / 1000);
        while (!stopping.get() && System.currentTimeMillis() < deadline) {
            if (lag() == 0) {
                statusLine(reader, " drained:");
                return true;
            }
            statusLine(reader, " draining:");
            sleepUntilNextSecond();
        }
        return false;
    }

    private void printMemory() {
        Map<String, Long> peaks = new java.util.LinkedHashMap<>();
        peaks.put(
                "demo JVM (job, producer, dashboard)",
                PeakMemory.of(ProcessHandle.current().pid()));
        stack.pids().forEach((service, pid) -> peaks.put(service, PeakMemory.of(pid)));
        long total = peaks.values().stream()
                .filter(v -> v > 0)
                .mapToLong(Long::longValue)
                .sum();
        StringBuilder line = new StringBuilder("Peak resident memory: ");
        peaks.forEach((name, bytes) ->
                line.append(name).append(' ').append(PeakMemory.format(bytes)).append(", "));
        line.append(PeakMemory.format(total)).append(" in all.");
        say("%s", line);
    }

    private void say(String format, Object... args) {
        String text = String.format(format, args);
        out.println(text);
        out.flush();
        LOG.info(text);
    }

    private void sleepUntilNextSecond() {
        try {
            Thread.sleep(1000 - System.currentTimeMillis() % 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        }
    }

    private void checkStopping() {
        if (stopping.get()) {
            throw new Stopping();
        }
    }

    /** Shutdown hook: producer, then the job (gracefully), then the dashboard and the demo's own clients. */
    private void stopPipeline() {
        boolean interrupted = !stopping.getAndSet(true) && (settings.durationSeconds() == 0 || produced.get() == null);
        if (interrupted) {
            out.println();
            out.println("Stopping: the producer, then the job (its running batch finishes and commits), then the"
                    + " dashboard, Kafka and HBase ...");
            out.flush();
        }
        Thread producer = producerThread;
        if (producer != null) {
            try {
                producer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StreamingJob j = job;
        if (j != null) {
            j.stop(true);
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (kafkaAdmin != null) {
            kafkaAdmin.close(Duration.ofSeconds(5));
        }
        if (interrupted && stack != null) {
            printMemory();
        }
        for (Connection c : new Connection[] {dashboardHBase, hbase}) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.warn("Closing one of the demo's HBase connections failed: {}", e.toString());
                }
            }
        }
    }

    /** Shutdown hook, last: the Kafka and HBase JVMs. */
    private void stopStack() {
        LocalStack s = stack;
        if (s != null) {
            s.close();
            if (produced.get() == null || settings.durationSeconds() == 0) {
                // After a timed run the SUMMARY line stays the last line.
                out.println(
                        "Stopped Kafka and HBase; the data stays in " + settings.dataDir() + " until the next run.");
                out.flush();
            }
        }
    }

    /** Thrown out of a start-up step when Ctrl-C came first. */
    private static final class Stopping extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopping() {
            super("stopping", null, false, false);
        }
    }
}
