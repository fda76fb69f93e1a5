package io.cardstream.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Defaults for the command-line tools when they run beside {@code bin/cardstream stack}: the running local stack
 * writes its connection settings to {@code <cardstream.home>/.cardstream/stack/connection.properties}, and a tool
 * given no address uses them. An address given on the command line always wins.
 */
public final class LocalConnection {

    /** The relative location of the local stack's connection file under the repository root. */
    public static final String FILE = ".cardstream/stack/connection.properties";

    private LocalConnection() {}

    /** The setting {@code key} (e.g. {@code bootstrap.servers}) of the running local stack, if there is one. */
    public static Optional<String> setting(String key) {
        Path file = Path.of(System.getProperty("cardstream.home", ".")).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(props.getProperty(key)).filter(v -> !v.isBlank());
    }
}
