package io.cardstream.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.schema.HBaseOptions;
import io.cardstream.schema.Schema;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary distribution as an edge node gets it: cardstream-VERSION-bin.tar.gz unpacked into an empty directory,
 * run with HOME an empty directory (no ~/.m2), a PATH without Maven, the working directory outside any checkout and
 * HBase found through HBASE_CONF_DIR: the schema tool, the loader and the producer prepare the local stack, and the
 * job stores every transaction the producer sent, then stops on SIGTERM with status 0. On its default local master
 * the job's Spark UI listens on loopback only.
 */
class DistributionIT {

    private static final Logger LOG = LoggerFactory.getLogger(DistributionIT.class);
    private static final int TRANSACTIONS = 20_000;

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    private static Path base;
    private static Path dist;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("cardstream.dist", "target/missing-bin.tar.gz"));
        assertThat(tarball).as("the distribution (mvn package)").isRegularFile();
        base = Path.of("target", "dist-it").toAbsolutePath();
        if (Files.exists(base)) {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(java.io.File::delete);
            }
        }
        Path unpacked = Files.createDirectories(base.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", unpacked.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as("tar's exit code").isZero();
        dist = unpacked.resolve(System.getProperty("cardstream.dist.name"));
        Files.createDirectories(base.resolve("home"));
        Files.createDirectories(base.resolve("work"));
        Path hbaseConf = Files.createDirectories(base.resolve("hbase-conf"));
        Configuration site = new Configuration(false);
        STACK.hbaseSettings().forEach(site::set);
        try (var out = Files.newOutputStream(hbaseConf.resolve("hbase-site.xml"))) {
            site.writeXml(out);
        }
    }

    @Test
    void theUnpackedDistributionPreparesTheStackAndRunsTheJobWithoutACheckoutOrMaven() throws Exception {
        assertThat(dist.resolve("bin/cardstream")).isExecutable();
        assertThat(dist.resolve("pom.xml")).doesNotExist();
        assertThat(dist.resolve("jobs")).isDirectoryContaining("glob:**-spark.jar");
        assertThat(dist.resolve("hql/create-tables.hql")).isRegularFile();
        assertThat(dist.resolve("conf/job.properties")).isRegularFile();

        assertThat(run("version", List.of("produce", "--version"))).contains("cardstream");
        run("schema", List.of("schema", "create"));
        run("load-dimensions", List.of("load-dimensions", "--persons", "1000", "--companies", "100"));
        String servers = STACK.bootstrapServers();
        run("topic", produce("dist-tx", "--create-topic", "--partitions", "2", "--count", "0"));
        run("dlq", produce("dist-dlq", "--create-topic", "--partitions", "1", "--count", "0"));
        assertThat(run("refused", List.of("demo"), 2)).contains("not part of the binary distribution");

        Path jobLog = base.resolve("job.log");
        Process job = command(List.of(
                        "job",
                        "--bootstrap-server",
                        servers,
                        "--topic",
                        "dist-tx",
                        "--dlq-topic",
                        "dist-dlq",
                        "--group",
                        "dist-group"))
                .redirectErrorStream(true)
                .redirectOutput(jobLog.toFile())
                .start();
        try {
            awaitLog(job, jobLog, "The job started", Duration.ofSeconds(120));
            assertUiOnLoopbackOnly(Files.readString(jobLog, StandardCharsets.UTF_8));
            run(
                    "produce",
                    produce(
                            "dist-tx",
                            "--persons",
                            "1000",
                            "--companies",
                            "100",
                            "--seed",
                            "7",
                            "--count",
                            Integer.toString(TRANSACTIONS),
                            "--rate",
                            "10000"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long rows;
            while ((rows = rows()) < TRANSACTIONS) {
                assertThat(job.isAlive())
                        .as("the job runs; its log: %s", jobLog)
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("%d of %d rows stored in time; the job's log: %s", rows, TRANSACTIONS, jobLog)
                        .isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(500);
            }
            assertThat(rows).isEqualTo(TRANSACTIONS);
            job.destroy();
            assertThat(job.waitFor(120, TimeUnit.SECONDS))
                    .as("the job stops on SIGTERM")
                    .isTrue();
            // the JVM's status for SIGTERM, once its shutdown hook, the job's graceful stop, has run
            assertThat(job.exitValue())
                    .as("the job's exit code; its log: %s", jobLog)
                    .isEqualTo(143);
            assertThat(Files.readString(jobLog)).contains("The job stopped.");
        } finally {
            job.destroyForcibly();
        }
        assertThat(base.resolve("home"))
                .as("HOME, empty: nothing was downloaded")
                .isEmptyDirectory();
    }

    /** {@code produce} to {@code topic} of the local stack's Kafka, and {@code more} options. */
    private static List<String> produce(String topic, String... more) {
        List<String> args =
                new ArrayList<>(List.of("produce", "--bootstrap-server", STACK.bootstrapServers(), "--topic", topic));
        args.addAll(List.of(more));
        return args;
    }

    /** {@code bin/cardstream ARGS} of the distribution, in the empty working directory, with an empty HOME. */
    private static ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/cardstream").toString());
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(base.resolve("work").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("MAVEN") || k.startsWith("M2") || k.startsWith("CARDSTREAM"));
        env.put("HOME", base.resolve("home").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", "/usr/bin:/bin");
        env.put("HBASE_CONF_DIR", base.resolve("hbase-conf").toString());
        // Spark's UI on a free port (4040 may be taken); SPARK_LOCAL_IP unset: bin/cardstream's default is tested
        env.put("CARDSTREAM_OPTS", "-Dspark.ui.port=0");
        env.remove("SPARK_LOCAL_IP");
        return builder;
    }

    private static String run(String name, List<String> args) throws Exception {
        return run(name, args, 0);
    }

    /** Runs a command to its end; asserts its exit code; returns its output. */
    private static String run(String name, List<String> args, int exitCode) throws Exception {
        Path log = base.resolve(name + ".log");
        Process p = command(args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS))
                .as("%s ends; its output: %s", args, log)
                .isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("exit code of %s; its output:%n%s", args, output)
                .isEqualTo(exitCode);
        LOG.info("bin/cardstream {}: exit {}.", args.stream().collect(Collectors.joining(" ")), p.exitValue());
        return output;
    }

    /**
     * The job on its default local master: Spark's UI (the job's configuration, its data in task pages) answers on
     * loopback and on no other address of this machine.
     */
    private static void assertUiOnLoopbackOnly(String jobLog) throws IOException {
        Matcher ui = Pattern.compile("Spark UI http://([^:/]+):(\\d+)").matcher(jobLog);
        assertThat(ui.find()).as("the job logs its UI's address:%n%s", jobLog).isTrue();
        assertThat(ui.group(1)).isEqualTo("127.0.0.1");
        int port = Integer.parseInt(ui.group(2));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(s.isConnected()).isTrue();
        }
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    others.add(a);
                }
            }
        }
        LOG.info("The UI at 127.0.0.1:{}; this machine's other addresses: {}.", port, others);
        for (InetAddress other : others) {
            assertThatThrownBy(() -> new Socket(other, port).close())
                    .as("a connection to the UI's port on %s", other)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static void awaitLog(Process process, Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertThat(process.isAlive())
                    .as("the process runs until it logs '%s'; its log: %s", text, log)
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("'%s' logged in time; see %s", text, log)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** Rows in tx_enriched (this IT's stack is its own: every row is this run's). */
    private static long rows() throws IOException {
        Configuration conf = new HBaseOptions().configuration();
        STACK.hbaseSettings().forEach(conf::set);
        try (Connection c = HBaseOptions.connect(conf);
                Table table = c.getTable(Schema.TX_ENRICHED.tableName());
                ResultScanner scanner = table.getScanner(new Scan().setFilter(new FirstKeyOnlyFilter()))) {
            long n = 0;
            while (scanner.next() != null) {
                n++;
            }
            return n;
        }
    }
}
