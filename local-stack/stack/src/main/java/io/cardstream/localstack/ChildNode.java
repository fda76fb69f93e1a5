package io.cardstream.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service running in a child JVM: started with its own classpath, its output appended to a log file, ready
 * once it has written its ready file, stopped with SIGTERM (and killed if that does not work in time). The child
 * reads its standard input, which only this object holds open, and exits when it closes: a parent that dies,
 * even by SIGKILL, takes its children with it.
 */
final class ChildNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildNode.class);
    private static final int TAIL_LINES = 25;
    private static final int ERROR_LINES = 20;
    private static final int LOG_WINDOW_BYTES = 4 * 1024 * 1024;
    private static final Pattern ERROR_LINE =
            Pattern.compile("^(\\S+ \\S+ (ERROR|FATAL)\\b.*|Caused by: .*|Exception in thread .*)");
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String service;
    private final Process process;
    private final Path logFile;
    private final long logStart;
    private final Path readyFile;
    private final long startedNanos;
    private final OutputStream stdin;
    private Properties readyProperties;
    private long readyMillis = -1;

    private ChildNode(String service, Process process, Path logFile, long logStart, Path readyFile, long startedNanos) {
        this.service = service;
        this.process = process;
        this.logFile = logFile;
        this.logStart = logStart;
        this.readyFile = readyFile;
        this.startedNanos = startedNanos;
        this.stdin = process.getOutputStream();
    }

    /** Starts {@code mainClass} in a new JVM; it is not ready yet: call {@link #awaitReady(Duration)}. */
    static ChildNode launch(
            String service,
            NodeClasspath classpath,
            List<String> jvmOptions,
            Map<String, String> systemProperties,
            Path logFile,
            Path readyFile) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(readyFile.getParent());
            Files.deleteIfExists(readyFile);
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-cp");
            command.add(classpath.classpath());
            command.add(classpath.mainClass());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            long started = System.nanoTime();
            Process process = builder.start();
            LOG.debug("Started the {} JVM as process {}.", service, process.pid());
            return new ChildNode(service, process, logFile, logStart, readyFile, started);
        } catch (IOException e) {
            throw new LocalStackException(
                    service, "The " + service + " JVM could not be started: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the child has written its ready file, and returns what it wrote there. Fails, naming the service
     * and showing its log's tail, when the child exits first or the timeout passes (the child is then killed).
     */
    Properties awaitReady(Duration timeout) {
        long deadline = startedNanos + timeout.toNanos();
        while (true) {
            if (Files.exists(readyFile)) {
                readyProperties = readReadyFile();
                readyMillis = (System.nanoTime() - startedNanos) / 1_000_000;
                return readyProperties;
            }
            if (!process.isAlive()) {
                throw failure(
                        "The " + service + " JVM exited with code " + process.exitValue() + " before it was ready.",
                        null);
            }
            if (System.nanoTime() > deadline) {
                destroyNow();
                throw failure(
                        "The " + service + " JVM was not ready within " + timeout.toSeconds() + " s, so it was killed.",
                        null);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                destroyNow();
                throw failure("Interrupted while waiting for " + service + " to be ready.", e);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Milliseconds from launch until ready, or -1 while not ready. */
    long readyMillis() {
        return readyMillis;
    }

    Path logFile() {
        return logFile;
    }

    /** Resident memory of the child JVM in bytes, read from /proc; -1 where /proc is not there. */
    long residentBytes() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Stops the child with SIGTERM, waits for it, and kills it if it has not exited within the grace time. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            closeStdin();
            return;
        }
        long start = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "{} did not stop within {} s of SIGTERM; killing process {}.",
                        service,
                        STOP_GRACE.toSeconds(),
                        process.pid());
                destroyNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyNow();
        } finally {
            closeStdin();
        }
        LOG.info("{} stopped in {} ms (process {}).", service, (System.nanoTime() - start) / 1_000_000, process.pid());
    }

    /** Kills the child at once (SIGKILL) and waits for it to be gone. */
    void destroyNow() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStdin();
    }

    /**
     * An error naming the service, with the first error lines its log got since this launch (where the cause
     * usually is: a shutdown after a failure logs pages of noise) and then the log's last lines.
     */
    LocalStackException failure(String what, Throwable cause) {
        List<String> lines = logSinceLaunch();
        List<String> errors = lines.stream()
                .filter(l -> ERROR_LINE.matcher(l).matches())
                .limit(ERROR_LINES)
                .toList();
        StringBuilder message = new StringBuilder(what).append("\nLog: ").append(logFile);
        if (!errors.isEmpty()) {
            message.append("\n--- first errors in the ")
                    .append(service)
                    .append(" log ---\n")
                    .append(String.join("\n", errors));
        }
        message.append("\n--- last lines of the ")
                .append(service)
                .append(" log ---\n")
                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())));
        return new LocalStackException(service, message.toString(), cause);
    }

    /** What the child wrote to its log since this launch (its last 4 MiB at most). */
    private List<String> logSinceLaunch() {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(logStart, length - LOG_WINDOW_BYTES);
            file.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            file.readFully(bytes);
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            return List.of("(the log " + logFile + " could not be read: " + e.getMessage() + ")");
        }
    }

    private Properties readReadyFile() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(readyFile)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // the child is gone already
        }
    }
}
