package io.cardstream.localstack.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * What a child node of the local stack does the same way, whatever service it runs: read the settings the parent
 * passes as system properties, tell the parent it is ready by a file that appears whole, and stop when the parent
 * goes, so that no service outlives the stack that started it.
 */
public final class NodeSupport {

    private NodeSupport() {}

    /** The system property {@code key}, which the local stack sets; fails naming it when it is missing. */
    public static String required(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The system property " + key + " must be set by the local stack.");
        }
        return value;
    }

    /** Writes the ready file the parent waits for in one move, so the parent never reads half of it. */
    public static void writeReadyFile(Path readyFile, String content) throws IOException {
        Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The parent holds this JVM's standard input open; end of input means it is gone: {@code log} says so, and the
     * JVM exits (its shutdown hooks stop the service).
     */
    public static void stopWhenParentGoes(Consumer<String> log, String service) {
        Thread watchdog = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        while (in.read() >= 0) {
                            // the parent never writes; any byte is ignored
                        }
                    } catch (IOException e) {
                        // a broken pipe means the same as end of input
                    }
                    log.accept("The parent process has gone; stopping " + service + ".");
                    System.exit(0);
                },
                "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
