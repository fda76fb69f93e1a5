package io.cardstream.job;

import io.cardstream.core.LocalConnection;
import io.cardstream.core.Topics;
import io.cardstream.schema.HBaseOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream job}, and the main class for {@code spark-submit}: parses and validates the configuration
 * (flag > {@code --config} properties file > default), logs it once with secrets masked, runs the job until
 * SIGTERM or Ctrl-C (then stops gracefully: the running batch finishes and commits) or until a batch fails (then
 * exits 1 with nothing of that batch committed).
 */
@Command(
        name = "cardstream job",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Runs the Spark Streaming job: reads card transactions from Kafka in micro-batches, enriches them with"
                    + " person and company names from HBase, writes them to HBase, dead-letters invalid records, and"
                    + " commits offsets only after the writes.",
            "Every option can also be given in a properties file (--config) under its name without dashes, e.g."
                    + " batch-interval-ms=500; kafka-prop.KEY and hbase-conf.KEY for the passthroughs. Flags win."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM or Ctrl-C after the running batch committed",
            "1:a batch failed (nothing of it committed) or the job could not start",
            "2:invalid configuration"
        })
public final class JobCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(JobCommand.class);

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of these options.")
    Path configFile;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Kafka. Default: the running local stack's, else 127.0.0.1:9092.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.TRANSACTIONS, description = "Default: ${DEFAULT-VALUE}")
    String topic;

    @Option(
            names = "--group-id",
            defaultValue = "cardstream-job",
            description = "Consumer group; its committed offsets are the job's progress. Default: ${DEFAULT-VALUE}")
    String groupId;

    @Option(
            names = "--dlq-topic",
            defaultValue = Topics.DEAD_LETTER,
            description = "Dead-letter topic for invalid records. Default: ${DEFAULT-VALUE}")
    String deadLetterTopic;

    @Option(
            names = "--batch-interval-ms",
            defaultValue = "1000",
            description = "Micro-batch interval in milliseconds (100 to 600000). Default: ${DEFAULT-VALUE}")
    long batchIntervalMs;

    @Option(
            names = "--max-rate-per-partition",
            defaultValue = "50000",
            description = "Records a second per Kafka partition at most; 0 for no cap. Bounds every batch, so a"
                    + " backlog never swamps the cluster. Default: ${DEFAULT-VALUE}")
    long maxRatePerPartition;

    @Option(
            names = "--backpressure",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description = "Let Spark adapt the rate to the processing time. Default: ${DEFAULT-VALUE}")
    boolean backpressure;

    @Option(
            names = "--initial-rate",
            defaultValue = "20000",
            description = "Backpressure's records a second (per receiver) for the first batches; 0 to unset."
                    + " Default: ${DEFAULT-VALUE}")
    long initialRate;

    @Option(
            names = "--min-rate",
            defaultValue = "0",
            description = "Backpressure's floor: records a second (all partitions together) it never sets below; 0"
                    + " leaves Spark's, 100. After a slow start Spark's estimate can sink to that and stay low for a"
                    + " minute while a backlog waits: set it to the rate the job must keep up with. Default:"
                    + " ${DEFAULT-VALUE}")
    long minRate;

    @Option(
            names = "--starting-offsets",
            defaultValue = "earliest",
            description = "Where to start when the group has no commit: earliest or latest. Default: ${DEFAULT-VALUE}")
    String startingOffsets;

    @Option(
            names = "--master",
            defaultValue = "local[2]",
            description = "Spark master when spark-submit did not set one. Default: ${DEFAULT-VALUE}")
    String master;

    @Option(names = "--person-table", defaultValue = "cardstream:person", description = "Default: ${DEFAULT-VALUE}")
    String personTable;

    @Option(names = "--company-table", defaultValue = "cardstream:company", description = "Default: ${DEFAULT-VALUE}")
    String companyTable;

    @Option(names = "--tx-table", defaultValue = "cardstream:tx_enriched", description = "Default: ${DEFAULT-VALUE}")
    String txTable;

    @Option(
            names = "--metrics-table",
            defaultValue = "cardstream:batch_metrics",
            description = "Default: ${DEFAULT-VALUE}")
    String metricsTable;

    @Option(
            names = "--cache-size",
            defaultValue = "1000000",
            description = "Dimension rows cached per executor. Default: ${DEFAULT-VALUE}")
    long cacheSize;

    @Option(
            names = "--cache-ttl-seconds",
            defaultValue = "60",
            description = "How long a cached dimension row lives after it was read, so renames in HBase show up;"
                    + " rows in use are read again in the background before then. Default: ${DEFAULT-VALUE}")
    long cacheTtlSeconds;

    @Option(
            names = "--write-buffer-bytes",
            defaultValue = "8388608",
            description = "BufferedMutator write buffer. Default: ${DEFAULT-VALUE}")
    long writeBufferBytes;

    @Option(
            names = "--stop-stall-seconds",
            defaultValue = "30",
            description = "A graceful stop (SIGTERM, Ctrl-C) that sees no batch finish for this long, because a batch"
                    + " waits on a Kafka or HBase that is down, stops now instead; partitions that had not committed"
                    + " are read again on the next start. Default: ${DEFAULT-VALUE}")
    long stopStallSeconds;

    @Option(
            names = "--kafka-timeout-seconds",
            defaultValue = "120",
            description = "How long Kafka may be unreachable (no batch finishes and the brokers do not answer, or a"
                    + " task's read does not move) before the job fails, naming the brokers (10 to 86400). Default:"
                    + " ${DEFAULT-VALUE}")
    long kafkaTimeoutSeconds;

    @Option(
            names = "--resume-after-data-loss",
            defaultValue = "false",
            negatable = true,
            fallbackValue = "true",
            description = "When the group's committed offsets are below the start of the topic's log (the job was"
                    + " down longer than the retention), resume from the log start, logging the lost ranges, instead"
                    + " of failing at start with them. Default: ${DEFAULT-VALUE}")
    boolean resumeAfterDataLoss;

    @Option(
            names = "--kafka-prop",
            paramLabel = "KEY=VALUE",
            description = "Any Kafka client setting for the consumer and the dead-letter producer (repeatable),"
                    + " e.g. security.protocol=SASL_SSL.")
    Map<String, String> kafkaProps = new LinkedHashMap<>();

    @Mixin
    HBaseOptions hbase;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new JobCommand()).execute(args));
    }

    /**
     * The validated configuration that {@code args} (this command's options) describe, for programs that run the
     * job in-process, such as the demo. A bad value throws {@link IllegalArgumentException} naming the setting.
     */
    public static JobConfig parse(String... args) throws IOException {
        JobCommand command = new JobCommand();
        CommandLine cli = new CommandLine(command);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return command.config();
    }

    /** The validated configuration these options and the properties file describe. */
    JobConfig config() throws IOException {
        Properties file = new Properties();
        if (configFile != null) {
            try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                file.load(in);
            }
            applyFile(file);
        }
        Map<String, String> hbaseSettings = new LinkedHashMap<>();
        file.stringPropertyNames().stream()
                .filter(k -> k.startsWith("hbase-conf."))
                .forEach(k -> hbaseSettings.put(k.substring("hbase-conf.".length()), file.getProperty(k)));
        hbaseSettings.putAll(hbase.settings());
        Map<String, String> kafka = new LinkedHashMap<>();
        file.stringPropertyNames().stream()
                .filter(k -> k.startsWith("kafka-prop."))
                .forEach(k -> kafka.put(k.substring("kafka-prop.".length()), file.getProperty(k)));
        kafka.putAll(kafkaProps);
        String bootstrap = Optional.ofNullable(bootstrapServers)
                .or(() -> LocalConnection.setting("bootstrap.servers"))
                .orElse("127.0.0.1:9092");
        return new JobConfig(
                bootstrap,
                topic,
                groupId,
                deadLetterTopic,
                batchIntervalMs,
                maxRatePerPartition,
                backpressure,
                initialRate,
                minRate,
                startingOffsets,
                master,
                personTable,
                companyTable,
                txTable,
                metricsTable,
                cacheSize,
                cacheTtlSeconds,
                writeBufferBytes,
                stopStallSeconds,
                kafkaTimeoutSeconds,
                resumeAfterDataLoss,
                kafka,
                hbaseSettings);
    }

    /** Values from the file for every option the command line did not set; an unknown key is an error. */
    private void applyFile(Properties file) {
        Set<String> known = spec.options().stream()
                .map(o -> o.longestName().replaceFirst("^--", ""))
                .collect(Collectors.toSet());
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith("kafka-prop.") || key.startsWith("hbase-conf.")) {
                continue;
            }
            if (!known.contains(key) || key.equals("config") || key.equals("help")) {
                throw new IllegalArgumentException(
                        "Invalid setting " + key + " in " + configFile + ": no such option (see --help).");
            }
            CommandLine.Model.OptionSpec option = spec.findOption("--" + key);
            if (!spec.commandLine().getParseResult().hasMatchedOption(option)) {
                option.setValue(
                        option.typeInfo().isBoolean()
                                ? Boolean.parseBoolean(file.getProperty(key))
                                : convert(option, file.getProperty(key)));
            }
        }
    }

    private static Object convert(CommandLine.Model.OptionSpec option, String value) {
        Class<?> type = option.type();
        try {
            if (type == long.class || type == Long.class) {
                return Long.parseLong(value.trim());
            }
            if (type == Integer.class || type == int.class) {
                return Integer.parseInt(value.trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid setting "
                    + option.longestName().substring(2) + ": it must be a whole number; got '" + value + "'.");
        }
        return type == Path.class ? Path.of(value) : value;
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LOG.info(
                "Starting the cardstream job with {}.",
                config.describe().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")));
        StreamingJob job = new StreamingJob(config);
        // Before Spark's own shutdown hooks (priority 50/51): stop gracefully; running batches finish and commit,
        // unless none finishes for stop-stall-seconds (then the stop needs up to 30 s more to end it)
        ShutdownHookManager.get()
                .addShutdownHook(
                        () -> job.stop(true), 100, Math.max(120, config.stopStallSeconds() + 60), TimeUnit.SECONDS);
        try {
            job.start();
            job.awaitTermination();
        } catch (Exception e) {
            if (job.stopping()) {
                // a stop that gave up on a stuck batch fails that batch's generation; the stop has said why
                LOG.info("The streaming context ended while the job was stopping: {}", e.toString());
                return job.failure() == null ? 0 : 1;
            }
            LOG.error("The job stops: {}", e.toString());
            job.stop(false);
            return 1;
        }
        return job.failure() == null ? 0 : 1;
    }
}
