package io.cardstream.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The job as a cluster runs it, for tests: the shaded jar through {@code org.apache.spark.deploy.SparkSubmit
 * --master local[2]} in its own JVM, on Spark's own jars only (target/spark-classpath.txt), output to a log file.
 */
final class JobProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static JobProcess start(Path log, List<String> jobArgs) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().endsWith("-spark.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("The shaded jar is not built (mvn package)."));
        }
        String sparkClasspath = Files.readString(Path.of("target", "spark-classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + Path.of("..", "bin", "spark-jdk17.flags").toAbsolutePath().normalize(),
                "-Xmx1g", "-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--class", "io.cardstream.job.JobCommand",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                jar.toAbsolutePath().toString()));
        command.addAll(jobArgs);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new JobProcess(process, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, and wait for the graceful stop; false if it did not exit in time. */
    boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGKILL: a crash, no shutdown hook runs. */
    void kill() throws InterruptedException {
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
