package io.cardstream.demo;

import io.cardstream.producer.MachineSpeed;
import java.nio.file.Path;

/**
 * What a demo run does, validated once: the message for a bad value names the option and its allowed range.
 *
 * @param rate            transactions a second the producer sends (open loop)
 * @param durationSeconds how long the producer runs; 0 runs until Ctrl-C and skips the final reconciliation
 * @param batchIntervalMs the job's micro-batch interval
 * @param persons         person rows loaded, and the generator's person id space
 * @param companies       company rows loaded, and the generator's company id space
 * @param badRatio        fraction of invalid transactions
 * @param unknownRatio    fraction of valid transactions whose person or company is not in HBase
 * @param skew            Zipf exponent of person and company popularity
 * @param partitions      partitions of the transactions topic
 * @param bind            the dashboard's listen address
 * @param port            the dashboard's port (0: any free one)
 * @param dataDir         where Kafka and HBase keep their data and the logs go; emptied at start
 * @param jobConfig       a properties file of the job's options (as for {@code bin/cardstream job --config}), or null
 * @param kafkaHeap       the broker's maximum heap
 * @param hbaseHeap       HBase's maximum heap
 * @param seed            the generator's seed
 */
public record DemoSettings(
        double rate,
        long durationSeconds,
        long batchIntervalMs,
        int persons,
        int companies,
        double badRatio,
        double unknownRatio,
        double skew,
        int partitions,
        String bind,
        int port,
        Path dataDir,
        Path jobConfig,
        String kafkaHeap,
        String hbaseHeap,
        long seed) {

    public DemoSettings {
        require(rate > 0 && rate <= 5_000_000, "--rate", "must be more than 0 and at most 5000000", rate);
        require(
                durationSeconds >= 0 && durationSeconds <= 86_400,
                "--duration",
                "must be 0 (until Ctrl-C) or up to 86400 seconds",
                durationSeconds);
        require(
                batchIntervalMs >= 100 && batchIntervalMs <= 60_000,
                "--batch-interval",
                "must be between 100 ms and 60 s",
                batchIntervalMs + " ms");
        require(persons >= 1 && persons <= 10_000_000, "--persons", "must be between 1 and 10000000", persons);
        require(companies >= 1 && companies <= 10_000_000, "--companies", "must be between 1 and 10000000", companies);
        require(badRatio >= 0 && badRatio <= 1, "--bad-ratio", "must be between 0 and 1", badRatio);
        require(unknownRatio >= 0 && unknownRatio <= 1, "--unknown-ratio", "must be between 0 and 1", unknownRatio);
        require(skew >= 0 && skew <= 10, "--skew", "must be between 0 (uniform) and 10", skew);
        require(partitions >= 1 && partitions <= 64, "--partitions", "must be between 1 and 64", partitions);
        require(port >= 0 && port <= 65_535, "--port", "must be between 0 and 65535", port);
        require(bind != null && !bind.isBlank(), "--bind", "must not be empty", bind);
        require(dataDir != null, "--data-dir", "must be given", dataDir);
    }

    /** The least and the most {@code --rate auto} picks, transactions a second. */
    static final long AUTO_RATE_MIN = 5_000;

    static final long AUTO_RATE_MAX = 20_000;

    /**
     * The rate {@code --rate auto} picks per record a second that one core decodes ({@link MachineSpeed#decodeRate},
     * within about 10% of {@code codec-bench}): about a fifth of the rate the pipeline sustained at 1 s batches per
     * unit of that speed (45,000 tx/s at 1.57 M, bench/README.md, "The demo's rate"). The demo starts cold: at a third of
     * that rate the ramp's backlog took 9 s to drain after the ramp (p99 up to 5 s), at a fifth none was left.
     */
    static final double AUTO_RATE_PER_DECODE_RATE = 0.0065;

    /**
     * The demo's rate on a machine whose one core decodes {@code decodePerCore} records a second: {@link
     * #AUTO_RATE_PER_DECODE_RATE} of it, in thousands, between {@link #AUTO_RATE_MIN} and {@link #AUTO_RATE_MAX}.
     */
    static long autoRate(double decodePerCore) {
        long rate = Math.round(decodePerCore * AUTO_RATE_PER_DECODE_RATE / 1000) * 1000;
        return Math.max(AUTO_RATE_MIN, Math.min(AUTO_RATE_MAX, rate));
    }

    /** Parses an interval such as {@code 1s}, {@code 500ms} or {@code 1000} (milliseconds). */
    public static long parseInterval(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Long.parseLong(t.substring(0, t.length() - 2).trim());
            }
            if (t.endsWith("s")) {
                return Math.round(
                        Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid setting --batch-interval: it must be like 1s, 500ms or 1000"
                    + " (milliseconds); got '" + text + "'.");
        }
    }

    private static void require(boolean ok, String option, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid setting " + option + ": it " + rule + "; got '" + value + "'.");
        }
    }
}
