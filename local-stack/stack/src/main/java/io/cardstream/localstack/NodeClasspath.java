package io.cardstream.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The classpath and main class of a child node, as the build recorded them: the node module's classes followed by
 * its runtime dependencies. The system property {@code cardstream.localstack.<node>.classpath} replaces the recorded
 * classpath, for a stack run from somewhere other than its build tree.
 *
 * @param node      {@code kafka} or {@code hbase}
 * @param classpath the full classpath of the child JVM
 * @param mainClass the child's main class
 */
record NodeClasspath(String node, String classpath, String mainClass) {

    private static final String RESOURCE = "nodes.properties";

    static NodeClasspath of(String node, String service) {
        Properties nodes = new Properties();
        try (InputStream in = NodeClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The resource " + RESOURCE + " is missing from the local-stack jar.");
            }
            nodes.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String mainClass = nodes.getProperty(node + ".mainClass");
        String override = System.getProperty("cardstream.localstack." + node + ".classpath");
        if (override != null && !override.isBlank()) {
            return new NodeClasspath(node, override, mainClass);
        }
        Path classes = Path.of(nodes.getProperty(node + ".classes"));
        Path classpathFile = Path.of(nodes.getProperty(node + ".classpathFile"));
        if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
            throw new LocalStackException(
                    service,
                    "The " + service + " node is not built: " + classes + " or "
                            + classpathFile
                            + " is missing. Build the project first (mvn -B package -DskipTests), or set "
                            + "-Dcardstream.localstack." + node + ".classpath.",
                    null);
        }
        try {
            String dependencies =
                    Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            return new NodeClasspath(
                    node,
                    classes.normalize() + (dependencies.isEmpty() ? "" : File.pathSeparator + dependencies),
                    mainClass);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
