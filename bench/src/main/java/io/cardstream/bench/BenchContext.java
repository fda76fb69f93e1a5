package io.cardstream.bench;

import io.cardstream.localstack.LocalStack;
import io.cardstream.producer.TopicAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.CompactionState;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** What every part of a benchmark run shares: the local stack, one HBase connection, one Kafka admin, paths. */
final class BenchContext implements AutoCloseable {

    private final Path home;
    private final Path dataDir;
    private final LocalStack stack;
    private final Connection hbase;
    private final Admin kafka;

    BenchContext(Path home, Path dataDir, LocalStack stack, Connection hbase) {
        this.home = home;
        this.dataDir = dataDir;
        this.stack = stack;
        this.hbase = hbase;
        this.kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    String bootstrapServers() {
        return stack.bootstrapServers();
    }

    Map<String, String> hbaseSettings() {
        Map<String, String> s = new HashMap<>(stack.connectionProperties());
        s.remove("bootstrap.servers");
        return s;
    }

    Connection hbase() {
        return hbase;
    }

    LocalStack stack() {
        return stack;
    }

    Path logDir() throws IOException {
        // beside the run's data directory, which is deleted at the end: the logs stay for a look afterwards
        return Files.createDirectories(dataDir.resolveSibling("logs"));
    }

    void createTopic(String topic, int partitions) throws Exception {
        TopicAdmin.createAndAwait(kafka, topic, partitions, (short) 1, Duration.ofSeconds(60));
    }

    void createDeadLetterTopic(String topic) throws Exception {
        TopicAdmin.createDeadLetterTopicAndAwait(kafka, topic, 1, (short) 1, Duration.ofSeconds(60));
    }

    /**
     * Waits until HBase runs no compaction of {@code tables} (three readings in a row, a second apart), at most
     * {@code max}, so that a ladder does not pay for the compactions of the rows an earlier one wrote.
     *
     * @return how long it waited; {@code max} or more if compactions were still running then
     */
    Duration awaitCompactionsDone(List<TableName> tables, Duration max) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        int quiet = 0;
        try (org.apache.hadoop.hbase.client.Admin admin = hbase.getAdmin()) {
            while (quiet < 3 && System.nanoTime() < deadline) {
                boolean compacting = false;
                for (TableName table : tables) {
                    compacting |= admin.getCompactionState(table) != CompactionState.NONE;
                }
                quiet = compacting ? 0 : quiet + 1;
                if (quiet < 3) {
                    Thread.sleep(1000);
                }
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Empties {@code tables}, keeping their descriptors (the layout mark included) and region splits: a ladder then
     * starts on tables that hold nothing for HBase to compact, instead of waiting (up to ten minutes a ladder, measured
     * on 2026-12-05) for the compactions of what earlier ladders wrote.
     */
    void truncate(List<TableName> tables) throws IOException {
        try (org.apache.hadoop.hbase.client.Admin admin = hbase.getAdmin()) {
            for (TableName table : tables) {
                if (admin.tableExists(table)) {
                    if (admin.isTableEnabled(table)) {
                        admin.disableTable(table);
                    }
                    admin.truncateTable(table, true);
                }
            }
        }
    }

    /** Records of {@code topic} not committed by {@code group}; -1 when Kafka does not answer. */
    long lag(String topic, int partitions, String group) {
        return TopicAdmin.lag(kafka, topic, partitions, group);
    }

    /** {@code java} with this project's JDK 17 flags and a module's runtime classpath, ready for a main class. */
    List<String> javaCommand(String module, String maxHeap) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = home.resolve(module).resolve("target/classes") + ":"
                + Files.readString(home.resolve(module).resolve("target/classpath.txt"))
                        .trim();
        // its temporary files go with the run's data: the producer JVM is killed at the end of every rung
        Path tmp = Files.createDirectories(dataDir.resolve("tmp"));
        return new ArrayList<>(List.of(
                java.toString(),
                "@" + home.resolve("bin/spark-jdk17.flags"),
                "-Xmx" + maxHeap,
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                classpath));
    }

    @Override
    public void close() throws IOException {
        kafka.close(Duration.ofSeconds(5));
        hbase.close();
        stack.close();
    }
}
