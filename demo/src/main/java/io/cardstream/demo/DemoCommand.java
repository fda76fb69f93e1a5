package io.cardstream.demo;

import io.cardstream.core.cli.CliCommand;
import io.cardstream.localstack.HeapOptions;
import io.cardstream.producer.MachineSpeed;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./demo.sh} and {@code bin/cardstream demo}: the whole pipeline on this machine in one command. With
 * {@code --duration}, it ends by reconciling what was produced against HBase and the dead-letter topic and exits 0
 * only when nothing is missing.
 */
@Command(
        name = "cardstream demo",
        description = {
            "Starts a real Kafka broker and a real HBase, creates the schema and topics, loads the dimensions, runs"
                    + " the Spark Streaming job (local[2]) and the storm producer, and serves the live dashboard.",
            "Prints where to look, then one status line a second. Ctrl-C stops everything."
        },
        exitCodeList = {
            "0:stopped by Ctrl-C, or --duration ended and everything reconciled",
            "1:something failed, or the reconciliation found a difference",
            "2:invalid options"
        })
public final class DemoCommand extends CliCommand {

    @Option(
            names = "--rate",
            paramLabel = "TX/S",
            defaultValue = "auto",
            description = "Transactions a second the producer sends; auto measures this machine's speed for a few"
                    + " seconds first and picks about a fifth of what such a machine sustains (5,000 to 20,000)."
                    + " Default: ${DEFAULT-VALUE}")
    String rate;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Produce for this long, drain, reconcile, print a SUMMARY line and exit; 0 runs until"
                    + " Ctrl-C. Default: ${DEFAULT-VALUE}")
    long duration;

    @Option(
            names = "--batch-interval",
            paramLabel = "INTERVAL",
            defaultValue = "1s",
            description = "The job's micro-batch interval: 1s, 500ms, ... Default: ${DEFAULT-VALUE}")
    String batchInterval;

    @Option(
            names = "--persons",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Cardholders loaded into HBase. Default: ${DEFAULT-VALUE}")
    int persons;

    @Option(
            names = "--companies",
            paramLabel = "N",
            defaultValue = "10000",
            description = "Merchants loaded into HBase. Default: ${DEFAULT-VALUE}")
    int companies;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "The dashboard's port; 0 for any free one. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "The dashboard's listen address. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(
            names = "--bad-ratio",
            paramLabel = "F",
            defaultValue = "0.01",
            description =
                    "Fraction of invalid transactions (they go to the dead-letter topic). Default: ${DEFAULT-VALUE}")
    double badRatio;

    @Option(
            names = "--unknown-ratio",
            paramLabel = "F",
            defaultValue = "0.005",
            description = "Fraction of transactions whose cardholder or merchant is not in HBase (stored, marked)."
                    + " Default: ${DEFAULT-VALUE}")
    double unknownRatio;

    @Option(
            names = "--skew",
            paramLabel = "S",
            defaultValue = "0.8",
            description =
                    "Zipf exponent of cardholder and merchant popularity; 0 is uniform. Default: ${DEFAULT-VALUE}")
    double skew;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "4",
            description = "Partitions of the transactions topic. Default: ${DEFAULT-VALUE}")
    int partitions;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where Kafka, HBase and the logs live; emptied at start. Default: .cardstream/demo in the"
                    + " project")
    Path dataDir;

    @Option(
            names = "--job-config",
            paramLabel = "FILE",
            description = "The job's options as a properties file, as for 'bin/cardstream job --config'"
                    + " (e.g. max-rate-per-partition=20000, cache-ttl-seconds=5).")
    Path jobConfig;

    @Mixin
    HeapOptions heaps;

    @Option(names = "--seed", defaultValue = "42", description = "The generator's seed. Default: ${DEFAULT-VALUE}")
    long seed;

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("cardstream.home", "."))
                .toAbsolutePath()
                .normalize();
        Path dataDir = home.resolve(".cardstream/demo");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--data-dir")) {
                dataDir = Path.of(args[i + 1]).toAbsolutePath().normalize();
            } else if (args[i].startsWith("--data-dir=")) {
                dataDir = Path.of(args[i].substring("--data-dir=".length()))
                        .toAbsolutePath()
                        .normalize();
            }
        }
        // Before any logger exists: the terminal gets the demo's own lines, the log file everything else.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-demo.properties");
        System.setProperty(
                "cardstream.demo.log", dataDir.resolve("logs/demo.log").toString());
        DemoCommand command = new DemoCommand();
        command.dataDir = dataDir;
        System.exit(new CommandLine(command).execute(args));
    }

    @Override
    public Integer call() {
        double chosenRate;
        if (rate.equalsIgnoreCase("auto")) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Measuring this machine's speed (a few seconds) to pick the demo's rate ...");
            out.flush();
            double decode = MachineSpeed.decodeRate(20_000, 2_500);
            chosenRate = DemoSettings.autoRate(decode);
            out.printf(
                    "One core decodes %,.0f records/s (codec-bench), so the demo sends %,.0f tx/s, about a fifth of what"
                            + " such a machine sustains; --rate chooses another.%n",
                    decode, chosenRate);
            out.flush();
        } else {
            try {
                chosenRate = Double.parseDouble(rate);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "Invalid setting --rate: it must be auto or a number of transactions a second; got '" + rate
                                + "'.");
            }
        }
        DemoSettings settings;
        try {
            settings = new DemoSettings(
                    chosenRate,
                    duration,
                    DemoSettings.parseInterval(batchInterval),
                    persons,
                    companies,
                    badRatio,
                    unknownRatio,
                    skew,
                    partitions,
                    bind,
                    port,
                    dataDir.toAbsolutePath().normalize(),
                    jobConfig,
                    heaps.kafkaHeap(),
                    heaps.hbaseHeap(),
                    seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            DataDir.prepare(settings.dataDir());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return new Demo(settings, spec.commandLine().getOut()).run();
    }
}
