package io.cardstream.bench;

import io.cardstream.core.cli.CliCommand;
import io.cardstream.localstack.HeapOptions;
import io.cardstream.localstack.LocalStack;
import io.cardstream.localstack.LocalStackConfig;
import io.cardstream.producer.MachineSpeed;
import io.cardstream.schema.DimensionLoader;
import io.cardstream.schema.HBaseOptions;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream bench}: in one run on this machine, the raw limits of Kafka and HBase, the pipeline's
 * sustainable rate and latency at 1 s and 500 ms batches, and the naive design as a peer; writes
 * {@code bench/results/latest.json}, {@code latest.md} and {@code latest-latency.png} and prints the table.
 */
@Command(
        name = "cardstream bench",
        description = "Measures the machine's raw limits, the pipeline's sustainable throughput and latency at 1 s and"
                + " 500 ms batches (open-loop producer at rising rates), and the naive Get/Put-per-record design as"
                + " a peer. Starts its own Kafka and HBase; nothing else should run meanwhile.")
public final class BenchCommand extends CliCommand {

    static {
        // Before the first logger exists (the one below): the harness's lines at INFO, the rest at WARN.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-bench.properties");
        // Ctrl-C reaches the Kafka and HBase children too (one process group): a graceful streaming stop at shutdown
        // would wait for services that are gone. The harness stops each rung's job itself.
        System.setProperty("spark.streaming.stopGracefullyOnShutdown", "false");
    }

    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);

    /** The machine entry's keys for {@link #calibrate}'s figures before and after the run. */
    static final String SPEED_BEFORE = "codec_decode_rps_per_core_before";

    static final String SPEED_AFTER = "codec_decode_rps_per_core_after";
    static final String CPU_MODEL = "cpu_model";
    static final String STEAL_SHARE = "cpu_steal_share";
    /** The machine entry's key for the HBase server's settings beyond HBase's defaults (the local stack's and ours). */
    static final String HBASE_SETTINGS = "hbase_settings";
    /** The machine entry's key for the Spark master both designs' jobs ran with ({@code --task-slots}). */
    static final String JOB_MASTER = "job_master";

    @Option(
            names = "--quick",
            description = "About 16 minutes: shorter rungs, shorter ladders with coarse steps, at"
                    + " most 30 s of waiting for compactions; a first look (the full run takes about 70 minutes).")
    boolean quick;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the results go. Default: bench/results in the" + " project")
    Path out;

    @Option(
            names = "--ladder",
            paramLabel = "NAME",
            split = ",",
            description = "Which ladders to run: pipeline-1000, pipeline-500, naive (the pipeline in the packed row"
                    + " layout, and the naive design), wide-1000, wide-500 (the pipeline in the wide layout, side by"
                    + " side), cpu-10000 (both layouts at 10,000 tx/s, for CPU a transaction). Default: all six.")
    List<String> ladders = List.of("pipeline-1000", "pipeline-500", "naive", "cpu-10000", "wide-1000", "wide-500");

    @Option(
            names = "--rates",
            paramLabel = "TX/S",
            split = ",",
            description = "The rates of every chosen ladder instead of its own, e.g. 20000,25000 (for profiling).")
    List<Long> rates;

    @Option(names = "--skip-raw-limits", description = "Do not measure the raw limits (for profiling runs).")
    boolean skipRaw;

    @Mixin
    HeapOptions heaps;

    @Option(
            names = "--task-slots",
            paramLabel = "N",
            defaultValue = "2",
            description = "Spark task threads of the job in both designs (local[N]); the topic has 4 partitions, so 4"
                    + " runs a batch's tasks at once while they wait on HBase and Kafka. Default: ${DEFAULT-VALUE}")
    int taskSlots;

    @Option(
            names = "--hbase-server-conf",
            paramLabel = "KEY=VALUE",
            description = "An hbase-site setting of the HBase server the run starts (not a client setting, unlike the"
                    + " other commands' --hbase-conf), e.g. hbase.hstore.compaction.min=3 (HBase's default; the"
                    + " local stack's is 6); repeatable.")
    Map<String, String> hbaseServerConf = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("cardstream.home", "."))
                .toAbsolutePath()
                .normalize();
        Path outDir = out != null ? out : home.resolve("bench/results");
        Path dataDir = home.resolve(".cardstream/bench/run-" + System.currentTimeMillis());
        BenchSettings settings = quick ? BenchSettings.quick(outDir, dataDir) : BenchSettings.full(outDir, dataDir);
        if (taskSlots < 1 || taskSlots > 64) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid setting task-slots: it must be" + " between 1 and 64; got '" + taskSlots + "'.");
        }
        PrintLine say = line -> {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        };
        removeUnfinishedRuns(dataDir.getParent(), say);
        Map<String, Object> machine = machine(settings);
        machine.put(SPEED_BEFORE, calibrate("before the run", say));
        say.line("Starting Kafka and HBase under " + dataDir + " ...");
        LocalStackConfig stackConfig = LocalStackConfig.defaults(dataDir)
                .withHeaps(heaps.kafkaHeap(), heaps.hbaseHeap())
                .withHBaseSettings(hbaseServerConf);
        machine.put(HBASE_SETTINGS, stackConfig.effectiveHBaseSettings());
        Optional<long[]> cpuBefore = HostCpu.counters();
        LocalStack stack = LocalStack.start(stackConfig);
        BenchReport report;
        try (BenchContext ctx = new BenchContext(home, dataDir, stack, connect(stack))) {
            try (Admin admin = ctx.hbase().getAdmin()) {
                new SchemaManager(admin, Compression.Algorithm.NONE).create();
                admin.createTable(
                        TableDescriptorBuilder.newBuilder(TableDescriptorBuilder.copy(
                                        RungRunner.WIDE_TABLE, admin.getDescriptor(Schema.TX_ENRICHED.tableName())))
                                .setValue(RowLayout.TABLE_KEY, RowLayout.WIDE.id())
                                .build(),
                        Schema.TX_ENRICHED.splitKeys());
            }
            DimensionLoader loader = new DimensionLoader(ctx.hbase(), 42);
            loader.loadPersons(settings.persons(), n -> {});
            loader.loadCompanies(settings.companies(), n -> {});
            ctx.createDeadLetterTopic("bench-dlq");

            double consume = 0;
            RawLimits.WriteLimit write = RawLimits.WriteLimit.NOT_MEASURED;
            double get = 0;
            List<RawLimits.LayoutCost> layouts = List.of();
            if (!skipRaw) {
                RawLimits raw = new RawLimits(ctx);
                say.line("Raw limits: Kafka ConsumerPerformance over " + settings.consumeRecords() + " records ...");
                consume = raw.kafkaConsume(settings.consumeRecords());
                say.line(String.format("  Kafka consume: %,.0f records/s", consume));
                write = raw.hbaseWrite(Math.min(100_000, settings.writeRows()), settings.writeRows(), 8L << 20);
                say.line(String.format(
                        "  HBase write (tx_enriched rows and settings, BufferedMutator 8 MB): %,.0f"
                                + " rows/s sustained (%,.0f rows/s into an empty memstore); HBase %.2f cores, %.1f µs a row",
                        write.steady(), write.burst(), write.hbaseCores(), write.hbaseMicrosPerRow()));
                get = raw.hbaseGet(settings.persons(), Duration.ofSeconds(settings.getSeconds()));
                say.line(String.format("  HBase batched get (1,000 person keys a call): %,.0f keys/s", get));
                say.line("Row layouts, each alone into a copy of tx_enriched (" + settings.writeRows() + " rows) ...");
                layouts = raw.rowLayouts(Math.min(100_000, settings.writeRows()), settings.writeRows(), 8L << 20);
                for (RawLimits.LayoutCost l : layouts) {
                    say.line(String.format(
                            "  %s: %,.0f rows/s, HBase %.1f µs a row, client %.1f µs a row, %,.0f bytes of cells a"
                                    + " row",
                            l.description(),
                            l.rowsPerSecond(),
                            l.hbaseMicrosPerRow(),
                            l.clientMicrosPerRow(),
                            l.keyValueBytesPerRow()));
                }
            }

            RungRunner runner = new RungRunner(ctx, settings, jobMaster());
            warmUp(runner, settings, say);
            List<RateResult> rungs = new ArrayList<>();
            for (String ladder : ladders) {
                quiesce(ctx, Duration.ofSeconds(settings.quiesceMaxSeconds()), say);
                switch (ladder) {
                    case "pipeline-1000" -> ladder(runner, "pipeline", 1000, ratesOr(settings.rates1000()), rungs, say);
                    case "pipeline-500" -> ladder(runner, "pipeline", 500, ratesOr(settings.rates500()), rungs, say);
                    case "naive" -> ladder(runner, "naive", 1000, ratesOr(settings.naiveRates()), rungs, say);
                    case "wide-1000" ->
                        ladder(runner, RungRunner.PIPELINE_WIDE, 1000, ratesOr(settings.rates1000()), rungs, say);
                    case "wide-500" ->
                        ladder(runner, RungRunner.PIPELINE_WIDE, 500, ratesOr(settings.rates500()), rungs, say);
                    case "cpu-10000" -> {
                        for (String design : List.of("pipeline", RungRunner.PIPELINE_WIDE)) {
                            // each on a server done compacting what came before, which it would otherwise pay for
                            quiesce(ctx, CPU_QUIESCE_MAX, say);
                            fixedPoint(runner, design, 1000, BenchReport.CPU_RATE, rungs, say);
                        }
                    }
                    default ->
                        throw new CommandLine.ParameterException(
                                spec.commandLine(),
                                "Invalid setting ladder: it must be pipeline-1000, pipeline-500, naive, wide-1000,"
                                        + " wide-500 or cpu-10000; got '" + ladder + "'.");
                }
            }
            report = new BenchReport(machine, consume, write, get, layouts, rungs);
        } finally {
            stack.close();
            keepLogs(stack, dataDir.resolveSibling("logs"));
            deleteQuietly(dataDir);
        }
        Optional<long[]> cpuAfter = HostCpu.counters();
        double steal = cpuBefore.isPresent() && cpuAfter.isPresent()
                ? HostCpu.stealShare(cpuBefore.get(), cpuAfter.get())
                : -1;
        if (steal >= 0) {
            machine.put(STEAL_SHARE, Math.round(steal * 1000) / 1000.0);
            say.line(String.format(
                    "The hypervisor gave %.1f%% of this machine's CPU time to others during the run" + " (steal time).",
                    steal * 100));
        }
        machine.put(SPEED_AFTER, calibrate("after the run, the services stopped", say));
        report.write(outDir);
        say.line("");
        say.line(report.markdown());
        say.line("Wrote " + outDir.resolve("latest.json") + ", latest.md and latest-latency.png.");
        return 0;
    }

    /**
     * The machine's speed, as {@code bin/cardstream codec-bench} measures it but shorter (500,000 records, 2 warm-up
     * and 3 measured rounds, about 10 s on a slow machine): machines of one kind, and one machine from one hour to
     * the next, differ by a factor of two, and a run's figures compare only with runs of a like speed.
     *
     * @return the median decode rate of one core, records a second
     */
    private static long calibrate(String when, PrintLine say) {
        long decode = Math.round(MachineSpeed.measure(500_000, 0.01, 2, 3, null).decode());
        say.line(String.format("Machine speed %s: codec-bench decodes %,d records/s on one core.", when, decode));
        return decode;
    }

    /** The longest wait for HBase's compactions before each rung of the CPU comparison. */
    private static final Duration CPU_QUIESCE_MAX = Duration.ofMinutes(5);

    /** The Spark master of both designs' jobs. */
    String jobMaster() {
        return "local[" + taskSlots + "]";
    }

    private List<Long> ratesOr(List<Long> ladder) {
        return rates != null ? rates : ladder;
    }

    @FunctionalInterface
    private interface PrintLine {
        void line(String text);
    }

    /**
     * Runs the unmeasured warm-up until the JVM is warm (its batches take less than the interval): a cold JVM's
     * first batches can take seconds, and a ladder that began there would measure the JIT compiler, not the pipeline.
     * A run whose batches took longer is followed by one at half the rate: a machine too slow for the rate would
     * otherwise fail every run, and the JIT compiles the same code at less.
     */
    private static void warmUp(RungRunner runner, BenchSettings settings, PrintLine say) throws Exception {
        long rate = settings.warmupRate();
        for (int run = 1; run <= BenchSettings.JVM_WARMUP_RUNS; run++) {
            say.line(String.format(
                    "Warming the job's JVM up: the pipeline at %,d tx/s for %d s, not measured ...",
                    rate, settings.jvmWarmupSeconds()));
            if (runner.warmUp(rate, settings.jvmWarmupSeconds())) {
                return;
            }
            rate = Ladder.half(rate, Ladder.PIPELINE_STEP);
            say.line(
                    run < BenchSettings.JVM_WARMUP_RUNS
                            ? "  The job's batches still took longer than the interval; warming up again at half the rate."
                            : "  The job's batches still took longer than the interval after " + run
                                    + " warm-up runs; the"
                                    + " ladders start anyway (is something else using this machine's cores?).");
        }
    }

    /**
     * Starts the next ladder (or fixed point) on a quiet server: the transaction tables are emptied (descriptors and
     * splits kept), so nothing the warm-up and earlier ladders wrote is left to compact, and then HBase gets up to
     * {@code max} to finish any compaction still running (of the dimension tables, say). Every ladder, the naive one
     * included, thus begins from the same state; within a ladder the compactions its own rungs cause are part of what
     * it measures.
     */
    private static void quiesce(BenchContext ctx, Duration max, PrintLine say) throws Exception {
        List<TableName> written = List.of(Schema.TX_ENRICHED.tableName(), RungRunner.WIDE_TABLE);
        long start = System.nanoTime();
        ctx.truncate(written);
        long truncatedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
        List<TableName> tables = new ArrayList<>(written);
        tables.addAll(List.of(Schema.PERSON.tableName(), Schema.COMPANY.tableName()));
        Duration waited = ctx.awaitCompactionsDone(tables, max);
        if (waited.compareTo(max) >= 0) {
            say.line(String.format(
                    "HBase was still compacting after %d s; the next ladder starts anyway.", waited.toSeconds()));
        } else {
            say.line(String.format(
                    "Emptied %s and %s in %,d ms; HBase was done compacting %d s later.",
                    written.get(0).getNameAsString(),
                    written.get(1).getNameAsString(),
                    truncatedMs,
                    waited.toSeconds()));
        }
    }

    /** One rung at {@code rate}, whatever it sustains: a fixed point of comparison, not a ladder. */
    private static void fixedPoint(
            RungRunner runner, String design, long intervalMs, long rate, List<RateResult> into, PrintLine say)
            throws Exception {
        say.line(String.format("%s, %d ms batches, %,d tx/s (a fixed point) ...", design, intervalMs, rate));
        RateResult r = runner.run(design, intervalMs, rate);
        into.add(r);
        say.line(String.format(
                "  achieved %,.0f tx/s, sustained: %s, CPU µs a stored tx: %s",
                r.achievedRps(), r.sustainable(), BenchReport.CpuPerTx.of(r).text()));
    }

    /** Runs the ladder's rungs (see {@link Ladder}) and adds them to {@code into}. */
    private static void ladder(
            RungRunner runner, String design, long intervalMs, List<Long> rates, List<RateResult> into, PrintLine say)
            throws Exception {
        long step = design.equals("naive") ? Ladder.NAIVE_STEP : Ladder.PIPELINE_STEP;
        List<RateResult> done = new ArrayList<>();
        for (OptionalLong rate = Ladder.next(rates, done, step);
                rate.isPresent();
                rate = Ladder.next(rates, done, step)) {
            say.line(String.format("%s, %d ms batches, %,d tx/s ...", design, intervalMs, rate.getAsLong()));
            RateResult r = runner.run(design, intervalMs, rate.getAsLong());
            done.add(r);
            into.add(r);
            String verdict = r.sustainable()
                    ? "sustained"
                    : (r.drainingStartBacklog()
                                    ? "NOT sustained (still draining its start's backlog: processing under"
                                            + " the interval, lag shrinking; a longer warm-up may sustain it)"
                                    : "NOT sustained")
                            + (Ladder.next(rates, done, step).isPresent()
                                    ? "; trying a lower rate"
                                    : "; the ladder stops");
            say.line(String.format(
                    "  achieved %,.0f tx/s, processing %,.0f ms, delay %,.0f ms, lag growth %,d,"
                            + " p99 %s, CPU %.2f cores, heap %,d MB: %s",
                    r.achievedRps(),
                    r.avgProcessingMs(),
                    r.avgSchedulingMs(),
                    r.lagGrowth(),
                    r.hasLatency() ? String.format("%,d ms", r.p99Ms()) : "n/a (no row of its window stored)",
                    r.cpuCores(),
                    r.heapMaxMb(),
                    verdict));
        }
    }

    private static Connection connect(LocalStack stack) throws IOException {
        Configuration conf = new HBaseOptions().configuration();
        stack.connectionProperties().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                conf.set(k, v);
            }
        });
        return HBaseOptions.connect(conf);
    }

    private Map<String, Object> machine(BenchSettings settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        long bytes = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        m.put("memory_gib", Math.round(bytes / (double) (1L << 30)));
        m.put("date", LocalDate.now().format(DateTimeFormatter.ISO_LOCAL_DATE));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        HostCpu.model().ifPresent(model -> m.put(CPU_MODEL, model));
        try {
            m.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("host", "unknown");
        }
        m.put("kafka_heap", heaps.kafkaHeap());
        m.put("hbase_heap", heaps.hbaseHeap());
        m.put("hbase_conf", hbaseServerConf);
        m.put(JOB_MASTER, jobMaster());
        m.put("quick", settings.quick());
        m.put("warmup_s", settings.warmupSeconds());
        m.put("warmup_max_s", settings.warmupMaxSeconds());
        m.put("hold_s", settings.holdSeconds());
        return m;
    }

    /** Moves the services' logs out of the run's data directory, which is deleted (it holds gigabytes). */
    private static void keepLogs(LocalStack stack, Path logDir) {
        stack.logFiles().forEach((service, log) -> {
            try {
                Files.createDirectories(logDir);
                Files.move(
                        log,
                        logDir.resolve(service.toLowerCase(java.util.Locale.ROOT) + "-"
                                + log.getParent().getParent().getFileName() + ".log"));
            } catch (IOException e) {
                LOG.warn("Could not keep {}: {}", log, e.toString());
            }
        });
    }

    /**
     * Deletes the data of earlier runs that did not finish (Ctrl-C or a kill ends the JVM before it deletes its own):
     * a full run leaves gigabytes. Only one benchmark runs at a time on a machine, so none of them is in use.
     */
    private static void removeUnfinishedRuns(Path benchDir, PrintLine say) throws IOException {
        if (!Files.isDirectory(benchDir)) {
            return;
        }
        List<Path> runs;
        try (Stream<Path> list = Files.list(benchDir)) {
            runs = list.filter(p -> p.getFileName().toString().startsWith("run-") && Files.isDirectory(p))
                    .toList();
        }
        for (Path run : runs) {
            say.line("Deleting " + run + ", the data of an earlier run that did not finish ...");
            deleteQuietly(run);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.toString());
        }
    }
}
