package io.cardstream.cluster;

import io.cardstream.job.JobProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A cluster daemon (Spark Master or Worker) in its own JVM on the assembled SPARK_HOME, its output in a log file. */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** {@code java @spark-jdk17.flags -Xmx256m -cp <classpath> <mainClass> <args>} with {@code env} added. */
    static ChildJvm start(
            String name, Path log, Map<String, String> env, String classpath, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JobProcess.jdk17Flags(),
                "-Xmx256m",
                "-cp",
                classpath,
                mainClass));
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new ChildJvm(name, builder.start(), log);
    }

    /** Polls the log until a line matches {@code pattern}; fails naming the log if the JVM exits or time runs out. */
    Matcher awaitLine(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        return awaitLine(name, log, process::isAlive, pattern, timeout);
    }

    static Matcher awaitLine(
            String name, Path log, java.util.function.BooleanSupplier alive, Pattern pattern, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m;
                }
            }
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(name + " exited before logging /" + pattern + "/; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " did not log /" + pattern + "/ within " + timeout + "; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then SIGKILL after 20 s; waits until the JVM is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
