package io.cardstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cardstream.job.PartitionResult.TaskTimes;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The results of one run: the raw limits, each ladder's rungs and the figures issue 7 asks for, written as
 * {@code latest.json} (stable snake_case keys), {@code latest.md} (the tables README shows) and a PNG chart of p99
 * latency against achieved throughput.
 */
record BenchReport(
        Map<String, Object> machine,
        double kafkaConsumeLimit,
        RawLimits.WriteLimit hbaseWrite,
        double hbaseGetLimit,
        List<RawLimits.LayoutCost> layouts,
        List<RateResult> rungs) {

    /** The rate both row layouts run at for the CPU-per-transaction comparison (the cpu-10000 ladder). */
    static final long CPU_RATE = 10_000L;

    /**
     * The CPU of all JVMs per stored transaction, in µs, of {@code design}'s sustained rung at {@link #CPU_RATE} and 1 s
     * batches; null when there is none or a JVM's CPU was not read.
     */
    Double cpuAtFixedRate(String design) {
        return rungs.stream()
                .filter(r -> r.design().equals(design)
                        && r.intervalMs() == 1000
                        && r.targetRps() == CPU_RATE
                        && r.sustainable())
                .map(CpuPerTx::of)
                .filter(CpuPerTx::known)
                .map(c -> round1(c.total()))
                .findFirst()
                .orElse(null);
    }

    /** The highest target rate of {@code design} at {@code intervalMs} that was sustained; 0 if none was. */
    long sustained(String design, long intervalMs) {
        return rungs.stream()
                .filter(r -> r.design().equals(design) && r.intervalMs() == intervalMs && r.sustainable())
                .mapToLong(RateResult::targetRps)
                .max()
                .orElse(0);
    }

    /** Whether the run has that ladder at all (a run can choose its ladders). */
    private boolean ran(String design, long intervalMs) {
        return rungs.stream().anyMatch(r -> r.design().equals(design) && r.intervalMs() == intervalMs);
    }

    /** The p99 of that sustained rung; -1 if none. */
    long p99AtSustained(String design, long intervalMs) {
        long rate = sustained(design, intervalMs);
        return rungs.stream()
                .filter(r -> r.design().equals(design)
                        && r.intervalMs() == intervalMs
                        && r.targetRps() == rate
                        && r.sustainable())
                .mapToLong(RateResult::p99Ms)
                .findFirst()
                .orElse(-1);
    }

    /**
     * The highest target rate of the pipeline at {@code intervalMs} that was sustained with a p99 latency of at most
     * two intervals (the design's "about 2 s" at 1 s batches); 0 if none was.
     */
    long withinTwoIntervals(long intervalMs) {
        return withinTwoIntervals("pipeline", intervalMs);
    }

    long withinTwoIntervals(String design, long intervalMs) {
        return rungs.stream()
                .filter(r -> r.design().equals(design)
                        && r.intervalMs() == intervalMs
                        && r.sustainable()
                        && r.hasLatency()
                        && r.p99Ms() <= 2 * intervalMs)
                .mapToLong(RateResult::targetRps)
                .max()
                .orElse(0);
    }

    Map<String, Object> json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("machine", machine);
        j.put("kafka_consume_limit_rps", Math.round(kafkaConsumeLimit));
        j.put("hbase_write_limit_rps", Math.round(hbaseWrite.steady()));
        j.put("hbase_write_burst_rps", Math.round(hbaseWrite.burst()));
        j.put("hbase_write_limit_hbase_cores", round2(hbaseWrite.hbaseCores()));
        j.put("hbase_write_limit_client_cores", round2(hbaseWrite.clientCores()));
        j.put("hbase_write_limit_us_per_row", round1(hbaseWrite.hbaseMicrosPerRow()));
        j.put("hbase_get_limit_keys_ps", Math.round(hbaseGetLimit));
        long s1000 = sustained("pipeline", 1000);
        long s500 = sustained("pipeline", 500);
        long naive = sustained("naive", 1000);
        j.put("sustained_rps_1000ms", s1000);
        j.put("p99_ms_1000ms", p99AtSustained("pipeline", 1000));
        j.put("sustained_rps_500ms", s500);
        j.put("p99_ms_500ms", p99AtSustained("pipeline", 500));
        j.put("p99_within_2_intervals_rps_1000ms", withinTwoIntervals(1000));
        j.put("p99_within_2_intervals_rps_500ms", withinTwoIntervals(500));
        j.put("naive_sustained_rps", naive);
        boolean ran1000 = ran("pipeline", 1000);
        j.put("ratio_to_hbase_limit", ran1000 ? ratio(s1000, hbaseWrite.steady()) : null);
        j.put("ratio_to_naive", ran1000 ? ratio(s1000, naive) : null);
        String wide = RungRunner.PIPELINE_WIDE;
        boolean ranWide1000 = ran(wide, 1000);
        boolean ranWide500 = ran(wide, 500);
        long wide1000 = sustained(wide, 1000);
        long wide500 = sustained(wide, 500);
        j.put("wide_sustained_rps_1000ms", ranWide1000 ? wide1000 : null);
        j.put("wide_p99_ms_1000ms", ranWide1000 ? p99AtSustained(wide, 1000) : null);
        j.put("wide_p99_within_2_intervals_rps_1000ms", ranWide1000 ? withinTwoIntervals(wide, 1000) : null);
        j.put("wide_sustained_rps_500ms", ranWide500 ? wide500 : null);
        j.put("wide_p99_ms_500ms", ranWide500 ? p99AtSustained(wide, 500) : null);
        j.put(
                "ratio_within_2_intervals_to_wide_1000ms",
                ran1000 && ranWide1000 ? ratio(withinTwoIntervals(1000), withinTwoIntervals(wide, 1000)) : null);
        j.put(
                "ratio_500ms_within_1000ms_to_wide_500ms_sustained",
                ran("pipeline", 500) && ranWide500 ? ratio(withinTwoIntervals(500), wide500) : null);
        Double cpu = cpuAtFixedRate("pipeline");
        Double cpuWide = cpuAtFixedRate(wide);
        j.put("cpu_us_per_tx_at_10000", cpu);
        j.put("wide_cpu_us_per_tx_at_10000", cpuWide);
        j.put("ratio_cpu_to_wide_at_10000", cpu == null || cpuWide == null ? null : ratio(cpu, cpuWide));
        j.put("row_layouts", layouts.stream().map(BenchReport::layoutRow).toList());
        j.put("rates", rungs.stream().map(BenchReport::row).toList());
        return j;
    }

    static Map<String, Object> layoutRow(RawLimits.LayoutCost l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layout", l.layout());
        m.put("description", l.description());
        m.put("rows_per_s", Math.round(l.rowsPerSecond()));
        m.put("hbase_us_per_row", round1(l.hbaseMicrosPerRow()));
        m.put("client_us_per_row", round1(l.clientMicrosPerRow()));
        m.put("kv_bytes_per_row", Math.round(l.keyValueBytesPerRow()));
        return m;
    }

    static Map<String, Object> row(RateResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("design", r.design());
        m.put("interval_ms", r.intervalMs());
        m.put("target_rps", r.targetRps());
        m.put("achieved_rps", Math.round(r.achievedRps()));
        m.put("sustainable", r.sustainable());
        m.put("batches", r.batches());
        m.put("processing_ms_avg", Math.round(r.avgProcessingMs()));
        m.put("scheduling_delay_ms_avg", Math.round(r.avgSchedulingMs()));
        m.put("scheduling_delay_ms_max", r.maxSchedulingMs());
        m.put("lag_growth", r.lagGrowth());
        m.put("latency_p50_ms", r.hasLatency() ? r.p50Ms() : null);
        m.put("latency_p95_ms", r.hasLatency() ? r.p95Ms() : null);
        m.put("latency_p99_ms", r.hasLatency() ? r.p99Ms() : null);
        m.put("latency_max_ms", r.hasLatency() ? r.maxMs() : null);
        m.put("latency_samples", r.latencySamples());
        m.put("cpu_cores", round2(r.cpuCores()));
        m.put("rps_per_core", Math.round(r.rpsPerCore()));
        m.put("heap_max_mb", r.heapMaxMb());
        m.put("hbase_cores", round2(r.hbaseCores()));
        m.put("hbase_us_per_row", round1(RawLimits.microsPerRow(r.hbaseCores(), r.achievedRps())));
        m.put("kafka_cores", round2(r.kafkaCores()));
        m.put("producer_cores", round2(r.producerCores()));
        CpuPerTx cpu = CpuPerTx.of(r);
        m.put("job_us_per_tx", cpu.job() < 0 ? null : round1(cpu.job()));
        m.put("hbase_us_per_tx", cpu.hbase() < 0 ? null : round1(cpu.hbase()));
        m.put("kafka_us_per_tx", cpu.kafka() < 0 ? null : round1(cpu.kafka()));
        m.put("producer_us_per_tx", cpu.producer() < 0 ? null : round1(cpu.producer()));
        m.put("total_us_per_tx", cpu.known() ? round1(cpu.total()) : null);
        TaskTimes t = r.taskTimes();
        m.put("task_ms_avg", t == null ? null : TaskTimes.millis(t.totalMicros()));
        m.put("task_read_ms_avg", t == null ? null : TaskTimes.millis(t.readMicros()));
        m.put("task_hbase_write_ms_avg", t == null ? null : TaskTimes.millis(t.hbaseWriteMicros()));
        m.put("task_lookup_ms_avg", t == null ? null : TaskTimes.millis(t.lookupMicros()));
        m.put("task_kafka_ms_avg", t == null ? null : TaskTimes.millis(t.kafkaMicros()));
        return m;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(
                Locale.ROOT,
                "Measured %s on %s: %s cores, %s GiB, %s; Kafka (%s heap), HBase (%s"
                        + " heap), the job (%s) and the producer all on this machine. %s run (%s s warm-up, %s s"
                        + " measured per rate).%n%n",
                machine.get("date"),
                machine.get("host"),
                machine.get("cores"),
                machine.get("memory_gib"),
                machine.get("java"),
                machine.getOrDefault("kafka_heap", "?"),
                machine.getOrDefault("hbase_heap", "?"),
                machine.getOrDefault(BenchCommand.JOB_MASTER, "local[2]"),
                Boolean.TRUE.equals(machine.get("quick")) ? "Quick" : "Full",
                machine.containsKey("warmup_max_s")
                        ? machine.get("warmup_s") + "–" + machine.get("warmup_max_s")
                        : machine.get("warmup_s"),
                machine.get("hold_s")));
        if (machine.get(BenchCommand.SPEED_BEFORE) instanceof Number before) {
            md.append(String.format(
                    Locale.ROOT,
                    "The machine's speed (`bin/cardstream codec-bench`'s decode rate on"
                            + " one core): %,d records/s before the run",
                    before.longValue()));
            if (machine.get(BenchCommand.SPEED_AFTER) instanceof Number after) {
                md.append(String.format(Locale.ROOT, ", %,d after it", after.longValue()));
            }
            if (machine.get(BenchCommand.CPU_MODEL) != null) {
                md.append("; the processor: ").append(machine.get(BenchCommand.CPU_MODEL));
            }
            if (machine.get(BenchCommand.STEAL_SHARE) instanceof Number steal) {
                md.append(String.format(
                        Locale.ROOT,
                        "; %.1f%% of the CPU time went to other guests of the host" + " during the run (steal)",
                        steal.doubleValue() * 100));
            }
            md.append(". Compare figures only with runs on a machine of like speed.\n\n");
        }
        if (machine.get(BenchCommand.HBASE_SETTINGS) instanceof Map<?, ?> hbase && !hbase.isEmpty()) {
            md.append("HBase's settings beyond its defaults: ")
                    .append(hbase.entrySet().stream()
                            .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`")
                            .collect(Collectors.joining(", ")))
                    .append(".\n\n");
        }
        Map<String, Object> j = json();
        md.append("| figure | value |\n|---|---|\n");
        for (String key : List.of(
                "kafka_consume_limit_rps",
                "hbase_write_limit_rps",
                "hbase_write_burst_rps",
                "hbase_write_limit_hbase_cores",
                "hbase_write_limit_us_per_row",
                "hbase_get_limit_keys_ps",
                "sustained_rps_1000ms",
                "p99_ms_1000ms",
                "sustained_rps_500ms",
                "p99_ms_500ms",
                "p99_within_2_intervals_rps_1000ms",
                "p99_within_2_intervals_rps_500ms",
                "naive_sustained_rps",
                "ratio_to_hbase_limit",
                "ratio_to_naive",
                "wide_sustained_rps_1000ms",
                "wide_p99_ms_1000ms",
                "wide_p99_within_2_intervals_rps_1000ms",
                "wide_sustained_rps_500ms",
                "wide_p99_ms_500ms",
                "ratio_within_2_intervals_to_wide_1000ms",
                "ratio_500ms_within_1000ms_to_wide_500ms_sustained",
                "cpu_us_per_tx_at_10000",
                "wide_cpu_us_per_tx_at_10000",
                "ratio_cpu_to_wide_at_10000")) {
            md.append("| `")
                    .append(key)
                    .append("` | ")
                    .append(format(j.get(key)))
                    .append(" |\n");
        }
        if (!layouts.isEmpty()) {
            md.append("\n| row layout (each alone, BufferedMutator 8 MB) | rows/s | HBase CPU a row | client CPU a row"
                    + " | bytes of cells a row |\n|---|---|---|---|---|\n");
            for (RawLimits.LayoutCost l : layouts) {
                md.append(String.format(
                        Locale.ROOT,
                        "| %s | %,.0f | %s | %s | %,.0f |%n",
                        l.description(),
                        l.rowsPerSecond(),
                        micros(l.hbaseMicrosPerRow()),
                        micros(l.clientMicrosPerRow()),
                        l.keyValueBytesPerRow()));
            }
        }
        md.append("\n| design | interval | target tx/s | achieved tx/s | sustained | processing avg | delay avg / max"
                + " | lag growth | p50 / p95 / p99 / max ms | job CPU (cores) | tx/s per core | heap max"
                + " | HBase / Kafka / producer CPU (cores) | HBase CPU a row"
                + " | CPU µs a stored tx: HBase + job + Kafka + producer = all"
                + " | task time a batch: reading / HBase writes / lookups / Kafka transactions / rest |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RateResult r : rungs) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d ms | %,d | %,.0f | %s | %,.0f ms | %,.0f / %,d ms | %,d |"
                            + " %s | %.2f | %,.0f | %,d MB | %s / %s / %s | %s | %s | %s |%n",
                    r.design(),
                    r.intervalMs(),
                    r.targetRps(),
                    r.achievedRps(),
                    sustained(r),
                    r.avgProcessingMs(),
                    r.avgSchedulingMs(),
                    r.maxSchedulingMs(),
                    r.lagGrowth(),
                    latencies(r),
                    r.cpuCores(),
                    r.rpsPerCore(),
                    r.heapMaxMb(),
                    cores(r.hbaseCores()),
                    cores(r.kafkaCores()),
                    cores(r.producerCores()),
                    micros(RawLimits.microsPerRow(r.hbaseCores(), r.achievedRps())),
                    CpuPerTx.of(r).text(),
                    taskShares(r.taskTimes())));
        }
        return md.toString();
    }

    /** "655 / 1,145 / 1,275 / 1,529", or "n/a" when no row of the rung's window was stored. */
    static String latencies(RateResult r) {
        return r.hasLatency()
                ? String.format(Locale.ROOT, "%,d / %,d / %,d / %,d", r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs())
                : "n/a";
    }

    /** "1,120 ms: 5 / 45 / 27 / 18 / 5%", or "n/a" (the naive design). */
    static String taskShares(TaskTimes t) {
        if (t == null || t.totalMicros() <= 0) {
            return "n/a";
        }
        double total = t.totalMicros();
        return String.format(
                Locale.ROOT,
                "%,d ms: %.0f / %.0f / %.0f / %.0f / %.0f%%",
                TaskTimes.millis(t.totalMicros()),
                100 * t.readMicros() / total,
                100 * t.hbaseWriteMicros() / total,
                100 * t.lookupMicros() / total,
                100 * t.kafkaMicros() / total,
                100 * t.otherMicros() / total);
    }

    private static String sustained(RateResult r) {
        return r.sustainable() ? "yes" : r.drainingStartBacklog() ? "no (draining its start)" : "no";
    }

    /**
     * CPU microseconds each JVM spent per stored transaction at a rung (its cores over the achieved rate), and their
     * sum: the figure that decides what a machine sustains when all of them share its cores. -1 where a JVM's CPU
     * time could not be read.
     */
    record CpuPerTx(double hbase, double job, double kafka, double producer) {

        static CpuPerTx of(RateResult r) {
            double rate = r.achievedRps();
            return new CpuPerTx(
                    RawLimits.microsPerRow(r.hbaseCores(), rate),
                    RawLimits.microsPerRow(r.cpuCores(), rate),
                    RawLimits.microsPerRow(r.kafkaCores(), rate),
                    RawLimits.microsPerRow(r.producerCores(), rate));
        }

        boolean known() {
            return hbase >= 0 && job >= 0 && kafka >= 0 && producer >= 0;
        }

        double total() {
            return hbase + job + kafka + producer;
        }

        /** "30 + 26 + 11 + 8 = 75", with "?" for a JVM not read and then no sum. */
        String text() {
            String parts = String.join(" + ", number(hbase), number(job), number(kafka), number(producer));
            return known() ? parts + " = " + number(total()) : parts;
        }

        private static String number(double v) {
            return v < 0 ? "?" : String.format(Locale.ROOT, "%.0f", v);
        }
    }

    private static String cores(double v) {
        return v < 0 ? "?" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String micros(double v) {
        return v < 0 ? "?" : String.format(Locale.ROOT, "%.0f µs", v);
    }

    /**
     * {@code of / to} to two places, or null when {@code to} is 0: the raw limits were not measured, or the naive
     * design sustained none of its rates. A 0 there would read as a measured ratio (so would one of a ladder the run
     * did not have).
     */
    private static Double ratio(double of, double to) {
        return to > 0 ? round2(of / to) : null;
    }

    private static String format(Object v) {
        if (v == null) {
            return "n/a";
        }
        if (v instanceof Long l) {
            return String.format(Locale.ROOT, "%,d", l);
        }
        return String.valueOf(v);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("latest.json").toFile(), json());
        Files.writeString(dir.resolve("latest.md"), markdown());
        ImageIO.write(chart(), "png", dir.resolve("latest-latency.png").toFile());
    }

    /** p99 latency (y) against achieved throughput (x), one line per design and interval. */
    BufferedImage chart() {
        int w = 900;
        int h = 520;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double maxX = Math.max(
                        1,
                        rungs.stream()
                                .mapToDouble(RateResult::achievedRps)
                                .max()
                                .orElse(1))
                * 1.1;
        double maxY =
                Math.max(1, rungs.stream().mapToLong(RateResult::p99Ms).max().orElse(1)) * 1.1;
        g.setColor(new Color(0xdddddd));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int y = top + (h - top - bottom) * i / 5;
            int x = left + (w - left - right) * i / 5;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, w - right, y);
            g.drawLine(x, top, x, h - bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%,.0f", maxY * (5 - i) / 5), 8, y + 4);
            g.drawString(String.format(Locale.ROOT, "%,.0f", maxX * i / 5), x - 20, h - bottom + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("p99 latency, event time to stored (ms), against achieved throughput (tx/s)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(
                "achieved tx/s   (filled: sustained; open: not sustained, where the ladder stopped)",
                w / 2 - 200,
                h - 25);
        Color[] colors = {new Color(0x2b6cb0), new Color(0x805ad5), new Color(0xcc1f1a)};
        String[][] series = {{"pipeline", "1000"}, {"pipeline", "500"}, {"naive", "1000"}};
        for (int s = 0; s < series.length; s++) {
            String design = series[s][0];
            long interval = Long.parseLong(series[s][1]);
            List<RateResult> points = new ArrayList<>(rungs.stream()
                    .filter(r -> r.design().equals(design) && r.intervalMs() == interval && r.hasLatency())
                    .toList());
            points.sort((a, b) -> Double.compare(a.achievedRps(), b.achievedRps()));
            g.setColor(colors[s]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (RateResult r : points) {
                int x = left + (int) ((w - left - right) * r.achievedRps() / maxX);
                int y = h - bottom - (int) ((h - top - bottom) * r.p99Ms() / maxY);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                if (r.sustainable()) {
                    g.fillOval(x - 4, y - 4, 8, 8);
                } else {
                    g.drawOval(x - 4, y - 4, 8, 8);
                }
                px = x;
                py = y;
            }
            g.fillRect(left + 10 + s * 220, h - 14, 12, 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(design + ", " + interval + " ms batches", left + 28 + s * 220, h - 8);
        }
        g.dispose();
        return img;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
