package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar for spark-submit bundles only what it must, and relocates what the cluster may bring in another version:
 * every class in it is the project's, under {@code io.cardstream.shaded}, or on an explicit allow-list of what stays
 * at its own name on purpose. A new dependency that brings an unrelocated package fails here, naming it.
 */
class ShadedJarIT {

    /** Packages bundled unrelocated on purpose, each with the reason. */
    static final Map<String, String> ALLOWED = Map.of(
            "io/cardstream/",
            "the project's own",
            "org/apache/kafka/",
            "Kafka's client: users' settings (serializers, callback handlers, JAAS login modules) name its classes",
            "org/apache/spark/streaming/kafka010/",
            "Spark's Kafka connector, which the job's DStream is",
            "org/apache/spark/kafka010/",
            "Spark's Kafka token provider, which Spark finds by its service name",
            "org/apache/hadoop/hbase/",
            "HBase's client: hbase-site.xml and Spark's HBase token provider name its classes",
            "org/apache/hbase/thirdparty/",
            "HBase's own relocated third-party jars",
            "org/apache/hadoop/metrics2/",
            "HBase's metrics glue (hbase-hadoop-compat), in Hadoop's package to reach its package-private parts",
            "com/google/protobuf/HBaseZeroCopyByteString",
            "HBase's one class in protobuf's package (hbase-protocol), for the same reason; protobuf itself is not"
                    + " bundled",
            "org/apache/spark/unused/",
            "Spark's empty placeholder class, in every Spark module and connector");

    @Test
    void everyBundledClassIsTheProjectsRelocatedOrOnTheAllowList() throws IOException {
        Map<String, Integer> outside = new TreeMap<>();
        int classes = 0;
        try (JarFile jar = new JarFile(JobProcess.shadedJar().toFile())) {
            for (ZipEntry entry : jar.stream().toList()) {
                String name = entry.getName().replaceFirst("^META-INF/versions/\\d+/", "");
                if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                classes++;
                if (ALLOWED.keySet().stream().noneMatch(name::startsWith)) {
                    outside.merge(name.substring(0, Math.max(0, name.lastIndexOf('/') + 1)), 1, Integer::sum);
                }
            }
        }
        assertThat(classes).as("classes in the shaded jar").isGreaterThan(10_000);
        assertThat(outside)
                .as("packages neither the project's, nor relocated to io/cardstream/shaded/, nor allowed (%s)", ALLOWED)
                .isEmpty();
    }

    @Test
    void theLibrariesASparkClusterAlsoShipsAreRelocated() throws IOException {
        List<String> relocated = List.of(
                "io/cardstream/shaded/com/github/benmanes/caffeine/cache/Caffeine.class",
                "io/cardstream/shaded/org/HdrHistogram/Histogram.class",
                "io/cardstream/shaded/picocli/CommandLine.class",
                "io/cardstream/shaded/io/opentelemetry/api/trace/Span.class");
        try (JarFile jar = new JarFile(JobProcess.shadedJar().toFile())) {
            assertThat(relocated)
                    .allSatisfy(c -> assertThat(jar.getEntry(c))
                            .as("%s in the shaded jar", c)
                            .isNotNull());
            assertThat(jar.getEntry("com/github/benmanes/caffeine/cache/Caffeine.class"))
                    .as("Caffeine at its own name")
                    .isNull();
        }
    }
}
