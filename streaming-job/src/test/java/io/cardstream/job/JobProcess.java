package io.cardstream.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The job as a cluster runs it, for tests: the shaded jar through {@code org.apache.spark.deploy.SparkSubmit} in its
 * own JVM, on Spark's own jars only, output to a log file.
 */
public final class JobProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The module's jar for spark-submit, target/*-spark.jar, which {@code mvn package} made. */
    static Path shadedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-spark.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("The shaded jar is not built (mvn package)."));
        }
    }

    /** {@code --master local[2]}, on target/spark-classpath.txt (a Spark distribution's jars, from Maven). */
    static JobProcess start(Path log, List<String> jobArgs) throws IOException {
        return start(log, "local[2]", jobArgs);
    }

    /** {@code --master <master>}, on target/spark-classpath.txt (a Spark distribution's jars, from Maven). */
    static JobProcess start(Path log, String master, List<String> jobArgs) throws IOException {
        Path jar = shadedJar();
        String sparkClasspath =
                Files.readString(Path.of("target", "spark-classpath.txt")).trim();
        return submit(
                log,
                Path.of("."),
                Map.of(),
                sparkClasspath,
                List.of("--master", master, "--conf", "spark.ui.enabled=false"),
                jar,
                jobArgs);
    }

    /**
     * {@code SparkSubmit <submitArgs> --class io.cardstream.job.JobCommand <jar> <jobArgs>} in a JVM with the
     * project's JDK 17 flags, 1 GB of heap, {@code classpath}, the working directory {@code workDir} and {@code env}
     * added to this JVM's environment. The driver binds to 127.0.0.1 (SPARK_LOCAL_IP too, unless {@code env} says
     * otherwise). Its temporary files (Spark's local directories, the copy of the jar, native libraries) go to
     * {@code tmp} beside the log, not to /tmp: a job killed by a test leaves them behind, about 37 MB a JVM.
     */
    public static JobProcess submit(
            Path log,
            Path workDir,
            Map<String, String> env,
            String classpath,
            List<String> submitArgs,
            Path jar,
            List<String> jobArgs)
            throws IOException {
        Path tmp = Files.createDirectories(log.toAbsolutePath().getParent().resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + jdk17Flags(),
                "-Xmx1g",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                classpath,
                "org.apache.spark.deploy.SparkSubmit"));
        command.addAll(submitArgs);
        command.addAll(List.of(
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--class",
                "io.cardstream.job.JobCommand",
                jar.toAbsolutePath().toString()));
        command.addAll(jobArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // without it Spark binds what it does not get an address for to the first non-loopback interface
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().putAll(env);
        return new JobProcess(builder.start(), log);
    }

    /** bin/spark-jdk17.flags of this checkout. */
    public static Path jdk17Flags() {
        return repositoryRoot().resolve("bin/spark-jdk17.flags");
    }

    /** The checkout's root (where bin/ and conf/ are), found from the working directory (the root or a module). */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/spark-jdk17.flags"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "bin/spark-jdk17.flags not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * Polls the log until the job's first batch, empty or not, has finished; an AssertionError if the JVM exits
     * first or {@code timeout} passes.
     */
    public void awaitFirstBatch(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains("INFO BatchListener: Batch ")) {
            if (!isAlive()) {
                throw new AssertionError("The job exited before its first batch; its log: " + log);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "The job's first batch did not finish within " + timeout + "; its log: " + log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Waits for the JVM to exit by itself; false if it did not within {@code seconds}. */
    public boolean waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGTERM, and wait for the graceful stop; false if it did not exit in time. */
    public boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGKILL: a crash, no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
