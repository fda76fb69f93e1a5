package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.job.JobFixture;
import io.cardstream.job.JobProcess;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * What the cluster ITs share: the assembled SPARK_HOME and the job jar the build made, an HBase client
 * configuration file to ship with {@code --files} as on a real cluster, and one run of the job: submitted, first
 * batch awaited, 100,000 transactions produced, committed to the log end, stopped with SIGTERM, every record
 * accounted for.
 */
final class ClusterRun {

    static final int TRANSACTIONS = 100_000;
    static final double RATE = 10_000;
    static final int PARTITIONS = 4;
    private static final Pattern BATCH_LINE = Pattern.compile("INFO [^\\n]*Batch \\d+: \\d+ records");

    private final LocalStackExtension stack;
    private final JobFixture fixture;
    private final String name;
    private final Path dir;

    /** A run named {@code name}: its logs and files in target/{@code name}, which the IT emptied before. */
    ClusterRun(LocalStackExtension stack, String name) {
        this.stack = stack;
        this.fixture = new JobFixture(stack);
        this.name = name;
        this.dir = Path.of("target", name).toAbsolutePath();
    }

    /**
     * The submit options both cluster managers take alike, as the README gives them: two executors of one core and
     * 512 MB, a graceful stop on SIGTERM, and hbase-site.xml shipped with --files onto the executors' classpath.
     */
    List<String> executorArgs() {
        return List.of(
                "--executor-cores",
                "1",
                "--executor-memory",
                "512m",
                "--conf",
                "spark.streaming.stopGracefullyOnShutdown=true",
                "--files",
                confDir().resolve("hbase-site.xml").toString(),
                "--conf",
                "spark.executor.extraClassPath=.");
    }

    /** Empties target/{@code name}, the directory of one IT's logs and work directories (see JobFixture). */
    static Path freshDirectory(String name) throws IOException {
        return JobFixture.freshDirectory(name);
    }

    static Path sparkHome() {
        Path home = Path.of(System.getProperty("cardstream.spark.home", "../spark-home/target/spark-home"));
        assertThat(home.resolve("jars"))
                .as("SPARK_HOME assembled by the build (mvn package)")
                .isDirectory();
        return home.toAbsolutePath().normalize();
    }

    static Path jobJar() {
        Path jar = Path.of(System.getProperty("cardstream.job.jar", "target/job/missing.jar"));
        assertThat(jar).as("the shaded job jar (mvn package)").isRegularFile();
        return jar.toAbsolutePath();
    }

    /** {@code dirs...:$SPARK_HOME/jars/*}: a driver on Spark's own jars, as the spark-submit script builds it. */
    static String sparkClasspath(Path... dirs) {
        StringBuilder cp = new StringBuilder();
        for (Path d : dirs) {
            cp.append(d).append(java.io.File.pathSeparator);
        }
        return cp.append(sparkHome().resolve("jars")).append("/*").toString();
    }

    /** The run's name: its directory's, its topics' prefix and the application's ({@code --name}). */
    String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    /** The configuration directory: hbase-site.xml for the local stack's HBase, as /etc/hbase/conf holds it. */
    Path confDir() {
        return dir.resolve("conf");
    }

    /** Schema, dimensions and both topics; the HBase client configuration in {@link #confDir()}. */
    void prepare() throws Exception {
        fixture.schemaAndDimensions(1_000, 100);
        fixture.topics(topic(), PARTITIONS, dlq());
        Configuration site = new Configuration(false);
        stack.hbaseSettings().forEach(site::set);
        Files.createDirectories(confDir());
        try (OutputStream out = Files.newOutputStream(confDir().resolve("hbase-site.xml"))) {
            site.writeXml(out);
        }
    }

    /** The job's own options: Kafka and topics only; HBase comes from hbase-site.xml. */
    List<String> jobArgs() {
        return List.of(
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--topic",
                topic(),
                "--dlq-topic",
                dlq(),
                "--group-id",
                name + "-group",
                "--batch-interval-ms",
                "1000",
                "--max-rate-per-partition",
                "10000",
                "--initial-rate",
                "20000");
    }

    /**
     * Submits with {@code submitArgs} and runs the scenario; returns the time from submit to the first batch's
     * INFO line. The caller checks where the executors ran.
     */
    Duration run(Map<String, String> env, String classpath, List<String> submitArgs) throws Exception {
        return run(env, classpath, submitArgs, jobArgs());
    }

    /** As {@link #run(Map, String, List)}, with the job's options {@code jobArgs}. */
    Duration run(Map<String, String> env, String classpath, List<String> submitArgs, List<String> jobArgs)
            throws Exception {
        long submitted = System.nanoTime();
        try (JobProcess job = JobProcess.submit(
                dir.resolve("spark-submit.log"), dir, env, classpath, submitArgs, jobJar(), jobArgs)) {
            ChildJvm.awaitLine("spark-submit", job.log(), job::isAlive, BATCH_LINE, Duration.ofSeconds(180));
            Duration firstBatch = Duration.ofNanos(System.nanoTime() - submitted);

            GeneratorConfig config = new GeneratorConfig(name.hashCode(), 1_000, 100, 0.8, 0.01, 0.005);
            StormProducer.Summary summary = fixture.produce(topic(), config, TRANSACTIONS, RATE);
            assertThat(summary.acked()).isEqualTo(TRANSACTIONS);
            fixture.awaitCommittedToLogEnd(name + "-group", topic(), PARTITIONS, Duration.ofSeconds(240), job::isAlive);

            assertThat(job.terminate(120))
                    .as("spark-submit exits after SIGTERM; see %s", job.log())
                    .isTrue();
            assertThat(job.output()).contains("The job stopped.");
            fixture.assertEveryRecordAccountedFor(config, TRANSACTIONS, summary, topic(), dlq());
            return firstBatch;
        }
    }

    /**
     * As {@link #run}, with the driver on the cluster ({@code --deploy-mode cluster}): its log is the one
     * {@code driverLog} finds there; the job is stopped by its stop file, as a user stops it there, and spark-submit,
     * which waits for the application to end, must exit 0.
     */
    void runInClusterMode(
            Map<String, String> env, String classpath, List<String> submitArgs, Callable<Optional<Path>> driverLog)
            throws Exception {
        Path stopFile = dir.resolve("stop");
        List<String> args = new java.util.ArrayList<>(jobArgs());
        args.addAll(List.of("--stop-file", stopFile.toUri().toString()));
        try (JobProcess job =
                JobProcess.submit(dir.resolve("spark-submit.log"), dir, env, classpath, submitArgs, jobJar(), args)) {
            Path driver = awaitDriverLine(driverLog, job, BATCH_LINE, Duration.ofSeconds(180));

            GeneratorConfig config = new GeneratorConfig(name.hashCode(), 1_000, 100, 0.8, 0.01, 0.005);
            StormProducer.Summary summary = fixture.produce(topic(), config, TRANSACTIONS, RATE);
            assertThat(summary.acked()).isEqualTo(TRANSACTIONS);
            fixture.awaitCommittedToLogEnd(name + "-group", topic(), PARTITIONS, Duration.ofSeconds(240), job::isAlive);

            Files.createFile(stopFile);
            assertThat(job.waitFor(120))
                    .as("spark-submit ends with the application after the stop file; see %s", job.log())
                    .isTrue();
            assertThat(job.exitValue())
                    .as("spark-submit's exit code; see %s and %s", job.log(), driver)
                    .isZero();
            assertThat(Files.readString(driver, StandardCharsets.ISO_8859_1))
                    .containsPattern("The stop file \\S+/stop appeared")
                    .contains("The job stopped.");
            assertThat(stopFile)
                    .as("the stop file, deleted by the job once stopped")
                    .doesNotExist();
            fixture.assertEveryRecordAccountedFor(config, TRANSACTIONS, summary, topic(), dlq());
        }
    }

    /** Polls until the driver's log (once the cluster has made it) has a line matching {@code pattern}. */
    private static Path awaitDriverLine(
            Callable<Optional<Path>> driverLog, JobProcess submit, Pattern pattern, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Path> log = driverLog.call();
            if (log.isPresent()
                    && pattern.matcher(Files.readString(log.get(), StandardCharsets.ISO_8859_1))
                            .find()) {
                return log.get();
            }
            assertThat(submit.isAlive())
                    .as("spark-submit runs until the driver logs /%s/; see %s and %s", pattern, submit.log(), log)
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("the driver logs /%s/ within %s; see %s and %s", pattern, timeout, submit.log(), log)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private String topic() {
        return name + "-tx";
    }

    private String dlq() {
        return name + "-dlq";
    }
}
