package io.cardstream.job;

import io.cardstream.core.cli.CliCommand;
import io.cardstream.core.settings.SettingSet;
import io.cardstream.schema.HBaseOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
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
        description = {
            "Runs the Spark Streaming job: reads card transactions from Kafka in micro-batches, enriches them with"
                    + " person and company names from HBase, writes them to HBase, dead-letters invalid records, and"
                    + " commits offsets only after the writes.",
            "Every option can also be given in a properties file (--config) under its name without dashes, e.g."
                    + " batch-interval-ms=500; kafka-prop.KEY and hbase-conf.KEY for the passthroughs. Flags win."
        },
        exitCodeList = {
            "0:stopped by the stop file after the running batch committed",
            "143:stopped by SIGTERM (130: Ctrl-C) after the running batch committed: the JVM's own status for the"
                    + " signal",
            "1:a batch failed (nothing of it committed) or the job could not start",
            "2:invalid configuration"
        })
public final class JobCommand extends CliCommand {

    private static final Logger LOG = LoggerFactory.getLogger(JobCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of these options.")
    Path configFile;

    @Option(
            names = {"--command-config", "--consumer.config"},
            paramLabel = "FILE",
            description = "A Kafka client properties file, as Kafka's tools take it (security.protocol, sasl.*, ssl.*),"
                    + " for the consumer and the dead-letter producer; kafka-prop.KEY in --config and --kafka-prop"
                    + " win over it.")
    Path clientConfig;

    @Option(
            names = "--kafka-prop",
            paramLabel = "KEY=VALUE",
            description = "Any Kafka client setting for the consumer and the dead-letter producer (repeatable),"
                    + " e.g. security.protocol=SASL_SSL.")
    Map<String, String> kafkaProps = new LinkedHashMap<>();

    @Mixin
    HBaseOptions hbase;

    /**
     * Runs the command and ends with its exit code, except in {@code --deploy-mode cluster}: there YARN's
     * ApplicationMaster (and a standalone master's driver wrapper) runs this method on a thread and reports how it
     * ends, so it returns normally on a clean stop (SUCCEEDED) and throws on a failure (FAILED, with the reason);
     * {@code System.exit} would be reported as an early exit, a failure whatever its code.
     */
    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int status = cli.execute(args);
        if (!inClusterDeployMode()) {
            System.exit(status);
        }
        if (status != 0) {
            String reason = ((JobCommand) cli.getCommand()).failure;
            throw new IllegalStateException("The cardstream job ended with exit code " + status
                    + (reason == null ? "" : ": " + reason)
                    + (status == 2 ? " (invalid configuration)" : ""));
        }
    }

    /** Whether spark-submit started the driver on the cluster ({@code --deploy-mode cluster}). */
    static boolean inClusterDeployMode() {
        return "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /** Why the command failed, for {@link #main}'s exception in cluster deploy mode. */
    private String failure;

    /** The command with its options: those above, and one per {@link JobSettings} setting. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new JobCommand());
        JobSettings.ALL.addOptionsTo(cli.getCommandSpec());
        return cli;
    }

    /**
     * The validated configuration that {@code args} (this command's options) describe, for programs that run the
     * job in-process, such as the demo. A bad value throws {@link IllegalArgumentException} naming the setting.
     */
    public static JobConfig parse(String... args) throws IOException {
        CommandLine cli = commandLine();
        try {
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return ((JobCommand) cli.getCommand()).config();
    }

    /** Keys a properties file may hold for this command's own options (HBase's address), besides the settings. */
    private static final Set<String> FILE_KEYS_OF_OPTIONS = Set.of("zookeeper-quorum", "zookeeper-port");

    /** Values from the file for the command's own options the command line did not set. */
    private void applyToOptions(Map<String, String> file) {
        for (String key : FILE_KEYS_OF_OPTIONS) {
            CommandLine.Model.OptionSpec option = spec.findOption("--" + key);
            if (file.containsKey(key) && !spec.commandLine().getParseResult().hasMatchedOption(option)) {
                String value = file.get(key).trim();
                try {
                    option.setValue(option.type() == Integer.class ? Integer.valueOf(value) : value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "Invalid setting " + key + ": it must be a whole number; got '" + value + "'.");
                }
            }
        }
    }

    /** The validated configuration: flags over the properties file over the defaults. */
    JobConfig config() throws IOException {
        Map<String, String> file =
                configFile == null ? Map.of() : JobSettings.ALL.readFile(configFile, FILE_KEYS_OF_OPTIONS);
        applyToOptions(file);
        Map<String, String> raw = SettingSet.overlay(
                file, JobSettings.ALL.given(spec.commandLine().getParseResult()));
        Map<String, String> hbaseSettings = new LinkedHashMap<>(SettingSet.under(JobSettings.HBASE_CONF, file));
        hbaseSettings.putAll(hbase.settings());
        Map<String, String> kafka = new LinkedHashMap<>(
                clientConfig == null ? Map.of() : SettingSet.clientProperties("--command-config", clientConfig));
        kafka.putAll(SettingSet.under(JobSettings.KAFKA_PROP, file));
        kafka.putAll(kafkaProps);
        return JobConfig.from(raw, kafka, hbaseSettings);
    }

    @Override
    public Integer call() throws Exception {
        JobConfig config;
        Optional<StopFile> stopFile;
        try {
            config = config();
            stopFile = StopFile.of(config.get(JobSettings.STOP_FILE), new Configuration());
        } catch (IllegalArgumentException e) {
            failure = e.getMessage();
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
            stopFile.ifPresent(f -> LOG.info("The job stops gracefully when the file {} appears.", f));
            while (!job.awaitTerminationOrTimeout(StopFile.POLL_MS)) {
                if (stopFile.isPresent() && stopFile.get().present()) {
                    LOG.info("The stop file {} appeared.", stopFile.get());
                    job.stop(true);
                    stopFile.get().delete();
                }
            }
        } catch (Exception e) {
            if (job.stopping()) {
                // a stop that gave up on a stuck batch fails that batch's generation; the stop has said why
                LOG.info("The streaming context ended while the job was stopping: {}", e.toString());
                return outcome(job);
            }
            LOG.error("The job stops: {}", e.toString());
            failure = e.toString();
            job.stop(false);
            return 1;
        }
        return outcome(job);
    }

    private int outcome(StreamingJob job) {
        if (job.failure() == null) {
            return 0;
        }
        failure = job.failure().toString();
        return 1;
    }
}
