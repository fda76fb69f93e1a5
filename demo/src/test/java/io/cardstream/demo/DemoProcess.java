package io.cardstream.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ./demo.sh} run as users run it, from the project root, with small heaps, a free dashboard port, its own
 * data directory and no Spark UI; its output is kept line by line for the test to wait on.
 */
final class DemoProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private DemoProcess(Process process) {
        this.process = process;
        this.reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        lines.add("(reading the demo's output failed: " + e + ")");
                    }
                },
                "demo-output");
        reader.setDaemon(true);
        reader.start();
    }

    static DemoProcess start(Path dataDir, String... options) throws IOException {
        Path root = projectRoot();
        List<String> command = new ArrayList<>(List.of(
                root.resolve("demo.sh").toString(),
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--kafka-heap",
                "512m",
                "--hbase-heap",
                "1g"));
        command.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        pb.environment().put("CARDSTREAM_SKIP_BUILD", "1");
        pb.environment().put("CARDSTREAM_OPTS", "-Xmx1g -Dspark.ui.enabled=false");
        return new DemoProcess(pb.start());
    }

    /**
     * Fails at once, saying why, when SIGINT is ignored in this JVM: a Ctrl-C test cannot work then, because every
     * process started from here inherits the ignored signal and the JVM does not install its handler for it. That
     * happens when the build runs as a background job of a shell without job control ({@code (mvn verify &)});
     * the demo would keep running and the test time out after minutes with no hint.
     */
    static void requireSigintDelivered() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")
                    && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0) {
                throw new AssertionError("SIGINT is ignored in this JVM (SigIgn "
                        + line.substring(7).trim()
                        + "), and the demo started from it would ignore Ctrl-C too. The build was started as a"
                        + " background job without job control; start it in the foreground, or with 'set -m' first.");
            }
        }
    }

    /** The repository root: where demo.sh is, above this module. */
    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("demo.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "demo.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    Process process() {
        return process;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String output() {
        return String.join("\n", lines);
    }

    /** The first output line matching {@code match}, waiting for it up to {@code timeout}. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = lines.stream().filter(match).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive() && !reader.isAlive()) {
                throw new AssertionError("The demo exited with " + process.exitValue() + " before printing the"
                        + " expected line:\n" + output());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The demo did not print the expected line within " + timeout + ":\n" + output());
    }

    /** Waits for the process to exit and its output to end; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("The demo did not exit within " + timeout + ":\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
