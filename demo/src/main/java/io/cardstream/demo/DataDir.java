package io.cardstream.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's data directory: emptied at every start so that each run's counts reconcile on their own. It only
 * empties a directory that a demo made (it holds the marker file) or an empty one, never a user's other data.
 */
final class DataDir {

    static final String MARKER = ".cardstream-demo";

    private DataDir() {}

    /** Empties {@code dir} (creating it if needed) and marks it as the demo's. */
    static void prepare(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                boolean empty;
                try (Stream<Path> entries = Files.list(dir)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !Files.exists(dir.resolve(MARKER))) {
                    throw new IllegalArgumentException("Invalid setting --data-dir: " + dir + " holds files the demo"
                            + " did not make; choose an empty or new directory.");
                }
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            } else if (Files.exists(dir)) {
                throw new IllegalArgumentException("Invalid setting --data-dir: " + dir + " is not a directory.");
            }
            Files.createDirectories(dir.resolve("logs"));
            Files.writeString(dir.resolve(MARKER), "Made by the cardstream demo; emptied at its every start.\n");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "The demo's data directory " + dir + " could not be prepared: " + e.getMessage(), e);
        }
    }
}
