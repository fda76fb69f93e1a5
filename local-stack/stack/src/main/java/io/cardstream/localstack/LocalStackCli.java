package io.cardstream.localstack;

import io.cardstream.core.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream stack}: starts the local Kafka broker and HBase in the foreground, prints how to connect,
 * and stops both on Ctrl-C. The settings are also written to {@code <data-dir>/connection.properties} for other
 * commands to read.
 */
@Command(
        name = "cardstream stack",
        description = {
            "Starts a real Kafka broker (KRaft) and a real HBase (standalone, with its own ZooKeeper), each in its"
                    + " own JVM, bound to 127.0.0.1, prints the connection settings and runs until Ctrl-C, which stops"
                    + " both.",
            "The settings are also written to <data-dir>/connection.properties; logs go to <data-dir>/logs."
        },
        exitCodeList = {
            "130:stopped by Ctrl-C (SIGINT); 143 by SIGTERM",
            "1:a service failed to start or died",
            "2:invalid options"
        })
public final class LocalStackCli extends CliCommand {

    @Option(names = "--fresh", description = "Delete the data directory first, starting from empty services.")
    boolean fresh;

    @Option(
            names = "--scram-users",
            paramLabel = "FILE",
            description = "A properties file of SCRAM-SHA-512 users (name=password, one a line): the broker then also"
                    + " listens with SASL_PLAINTEXT for them. Passwords never go on a command line or into a log.")
    Path scramUsers;

    @Option(
            names = "--kerberos",
            description = "Also start a KDC (realm " + LocalKdc.REALM + ") and Kerberize HBase and the broker (a"
                    + " SASL_PLAINTEXT/GSSAPI listener on localhost); prints the krb5.conf, principal, keytab and"
                    + " client files a client needs.")
    boolean kerberos;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with its options: those above, and one per {@link StackSettings} setting. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LocalStackCli());
        StackSettings.ALL.addOptionsTo(cli.getCommandSpec());
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalStackConfig config;
        try {
            config = StackSettings.config(StackSettings.ALL.resolve(
                    StackSettings.ALL.given(spec.commandLine().getParseResult())));
            if (scramUsers != null) {
                config = config.withKafkaScram(readScramUsers(scramUsers));
            }
            config = config.withKerberos(kerberos);
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
        if (kerberos) {
            printKerberos(out, stack);
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

    /** What a client needs to log in, and how the cardstream commands take it. */
    private static void printKerberos(PrintWriter out, LocalStack stack) {
        LocalKdc kdc = stack.kerberos();
        out.println();
        out.println("Kerberos (realm " + LocalKdc.REALM + ", KDC on " + LocalKdc.HOST + ":" + kdc.port() + "):");
        out.println("  krb5.conf        " + kdc.krb5Conf());
        out.println("  client principal " + kdc.clientPrincipal() + ", keytab " + kdc.clientKeytab());
        out.println("  HBase principal  " + kdc.hbasePrincipalPattern() + " (HBase takes only Kerberos clients)");
        out.println("  Kafka principal  " + kdc.servicePrincipal(LocalKdc.KAFKA_SERVICE) + ", listener "
                + stack.kerberosBootstrapServers() + " (SASL_PLAINTEXT, GSSAPI)");
        out.println("  Kafka client     " + kdc.kafkaClientFile());
        out.println("  HBase client     " + kdc.hbaseSiteFile());
        out.println("For the cardstream commands:");
        out.println("  export KRB5_CONFIG=" + kdc.krb5Conf() + " HBASE_CONF_DIR="
                + kdc.hbaseSiteFile().getParent());
        out.println("  bin/cardstream produce --bootstrap-servers " + stack.kerberosBootstrapServers()
                + " --producer-config " + kdc.kafkaClientFile() + " ...");
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
