package io.cardstream.localstack;

import io.cardstream.core.cli.HelpOption;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream stack}: starts the local Kafka broker and HBase in the foreground, prints how to connect,
 * and stops both on Ctrl-C. The settings are also written to {@code <data-dir>/connection.properties} for other
 * commands to read.
 */
@Command(
        name = "cardstream stack",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Starts a real Kafka broker (KRaft) and a real HBase (standalone, with its own ZooKeeper), each in its"
                    + " own JVM, bound to 127.0.0.1, prints the connection settings and runs until Ctrl-C, which stops"
                    + " both.",
            "The settings are also written to <data-dir>/connection.properties; logs go to <data-dir>/logs."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "130:stopped by Ctrl-C (SIGINT); 143 by SIGTERM",
            "1:a service failed to start or died",
            "2:invalid options"
        })
public final class LocalStackCli implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "${sys:cardstream.home:-.}/.cardstream/stack",
            description = "Where Kafka and HBase keep their data and logs. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the data directory first, starting from empty services.")
    boolean fresh;

    @Option(names = "--no-kafka", negatable = false, description = "Do not start the Kafka broker.")
    boolean noKafka;

    @Option(names = "--no-hbase", negatable = false, description = "Do not start HBase.")
    boolean noHBase;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "The broker's client port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}")
    int kafkaPort;

    @Option(
            names = "--kafka-controller-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "The KRaft controller port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}")
    int kafkaControllerPort;

    @Option(
            names = "--zookeeper-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "HBase's ZooKeeper client port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}")
    int zookeeperPort;

    @Option(
            names = "--kafka-partitions",
            paramLabel = "N",
            defaultValue = "" + LocalStackConfig.DEFAULT_KAFKA_PARTITIONS,
            description = "Default partition count of new topics. Default: ${DEFAULT-VALUE}")
    int kafkaPartitions;

    @Option(
            names = "--kafka-heap",
            paramLabel = "SIZE",
            defaultValue = LocalStackConfig.DEFAULT_KAFKA_HEAP,
            description = "Maximum heap of the broker JVM (-Xmx). Default: ${DEFAULT-VALUE}")
    String kafkaHeap;

    @Option(
            names = "--hbase-heap",
            paramLabel = "SIZE",
            defaultValue = LocalStackConfig.DEFAULT_HBASE_HEAP,
            description = "Maximum heap of the HBase JVM (-Xmx). Default: ${DEFAULT-VALUE}")
    String hbaseHeap;

    @Option(
            names = "--scram-users",
            paramLabel = "FILE",
            description = "A properties file of SCRAM-SHA-512 users (name=password, one a line): the broker then also"
                    + " listens with SASL_PLAINTEXT for them. Passwords never go on a command line or into a log.")
    Path scramUsers;

    @Option(
            names = "--kafka-sasl-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "The SASL listener's port on 127.0.0.1 (with --scram-users); 0 picks a free one."
                    + " Default: ${DEFAULT-VALUE}")
    int kafkaSaslPort;

    @Option(
            names = "--start-timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "How long to wait for each service to be ready. Default: ${DEFAULT-VALUE}")
    long startTimeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStackCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalStackConfig config;
        try {
            config = LocalStackConfig.defaults(dataDir)
                    .withServices(!noKafka, !noHBase)
                    .withPorts(kafkaPort, kafkaControllerPort, zookeeperPort)
                    .withHeaps(kafkaHeap, hbaseHeap)
                    .withKafkaPartitions(kafkaPartitions)
                    .withStartTimeout(Duration.ofSeconds(startTimeoutSeconds));
            if (scramUsers != null) {
                config = config.withKafkaScram(kafkaSaslPort, readScramUsers(scramUsers));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (fresh) {
            deleteTree(config.dataDir());
        }
        out.printf("Starting the local stack in %s ...%n", config.dataDir());
        out.flush();
        LocalStack stack;
        try {
            stack = LocalStack.start(config);
        } catch (LocalStackException e) {
            err.println("ERROR: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopping.countDown();
                            out.println("Stopping the local stack ...");
                            out.flush();
                            stack.close();
                        },
                        "stack-cli-shutdown"));

        out.println();
        stack.readyMillis()
                .forEach((service, ms) -> out.printf(
                        "%-6s ready in %.1f s (pid %d, log %s)%n",
                        service,
                        ms / 1000.0,
                        stack.pids().get(service),
                        stack.logFiles().get(service)));
        out.println();
        out.println("Connection settings (also in " + stack.connectionFile() + "):");
        for (Map.Entry<String, String> e : stack.connectionProperties().entrySet()) {
            out.printf("  %s=%s%n", e.getKey(), e.getValue());
        }
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();

        while (!stopping.await(1, TimeUnit.SECONDS)) {
            if (!stack.isRunning() && stopping.getCount() > 0) {
                err.println("ERROR: a service of the local stack has died; see the logs in " + config.logDir()
                        + ". Stopping the rest.");
                stack.close();
                return 1;
            }
        }
        return 0;
    }

    private static Map<String, String> readScramUsers(Path file) {
        Properties users = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            users.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Invalid value for --scram-users: " + file + " could not be read (" + e.getMessage() + ").");
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("Invalid value for --scram-users: " + file + " names no user.");
        }
        Map<String, String> map = new TreeMap<>();
        users.stringPropertyNames().forEach(u -> map.put(u, users.getProperty(u)));
        return map;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
