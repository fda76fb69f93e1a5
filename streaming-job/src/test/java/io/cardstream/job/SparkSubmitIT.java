package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.RateSchedule;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TopicAdmin;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.DimensionLoader;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded jar through {@code org.apache.spark.deploy.SparkSubmit --master local[2]} in its own JVM, on a
 * classpath of Spark's own jars only, as a cluster runs it; then SIGTERM, which must stop it gracefully with the
 * last batch committed.
 */
class SparkSubmitIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    @Test
    void theShadedJarRunsUnderSparkSubmitAndStopsGracefullyOnSigterm() throws Exception {
        Configuration hbase = HBaseConfiguration.create();
        STACK.hbaseSettings().forEach(hbase::set);
        try (Connection c = ConnectionFactory.createConnection(hbase); Admin admin = c.getAdmin()) {
            new SchemaManager(admin, Compression.Algorithm.NONE).create();
            DimensionLoader loader = new DimensionLoader(c, 1);
            loader.loadPersons(1_000, n -> { });
            loader.loadCompanies(100, n -> { });
        }
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()))) {
            TopicAdmin.createAndAwait(admin, "submit-tx", 2, (short) 1, Duration.ofSeconds(30));
            TopicAdmin.createAndAwait(admin, "submit-dlq", 1, (short) 1, Duration.ofSeconds(30));
        }

        Path log = Path.of("target", "spark-submit-it.log");
        Process submit = sparkSubmit(log, "--bootstrap-servers", STACK.bootstrapServers(), "--topic", "submit-tx",
                "--dlq-topic", "submit-dlq", "--group-id", "submit-group", "--zookeeper-quorum", "127.0.0.1",
                "--zookeeper-port", Integer.toString(STACK.zookeeperPort()), "--batch-interval-ms", "1000");
        try {
            GeneratorConfig generatorConfig = new GeneratorConfig(4242, 1_000, 100, 0, 0.01, 0.01);
            StormProducer.Summary summary;
            try (var producer = new KafkaProducer<byte[], byte[]>(
                    StormProducer.kafkaProperties(STACK.bootstrapServers(), Map.of()))) {
                summary = new StormProducer(producer, "submit-tx", new TransactionGenerator(generatorConfig),
                        RateSchedule.steady(10_000)).run(0, 20_000, null, () -> false, p -> { });
            }
            awaitCommittedToLogEnd(submit, log, Duration.ofSeconds(180));

            submit.destroy();
            assertThat(submit.waitFor(90, TimeUnit.SECONDS)).as("spark-submit exits after SIGTERM").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(output).contains("Stopping the job gracefully").contains("The job stopped.");

            String prefix = new TransactionGenerator(generatorConfig).generate(0).transaction().txId().substring(0, 12);
            assertThat(countRows(hbase, prefix)).isEqualTo(summary.valid());
        } finally {
            if (submit.isAlive()) {
                submit.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process sparkSubmit(Path log, String... jobArgs) throws IOException {
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
        command.addAll(List.of(jobArgs));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitCommittedToLogEnd(Process submit, Path log, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()))) {
            Map<TopicPartition, Long> ends = admin.listOffsets(Map.of(
                            new TopicPartition("submit-tx", 0), OffsetSpec.latest(),
                            new TopicPartition("submit-tx", 1), OffsetSpec.latest()))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            Map<TopicPartition, Long> committed = Map.of();
            while (System.nanoTime() < deadline && submit.isAlive()) {
                committed = admin.listConsumerGroupOffsets("submit-group").partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS).entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                if (committed.equals(ends)) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            assertThat(submit.isAlive()).as("spark-submit is running; its log: %s", log.toAbsolutePath()).isTrue();
            assertThat(committed).isEqualTo(ends);
        }
    }

    private static long countRows(Configuration hbase, String txIdPrefix) throws IOException {
        long rows = 0;
        try (Connection c = ConnectionFactory.createConnection(hbase);
             Table table = c.getTable(Schema.TX_ENRICHED.tableName());
             ResultScanner scanner = table.getScanner(new Scan().setCaching(5_000))) {
            for (Result r : scanner) {
                String txId = Bytes.toString(r.getValue(Schema.TX_ENRICHED.familyBytes(),
                        Schema.TX_ENRICHED.column("tx_id").qualifierBytes()));
                if (txId != null && txId.startsWith(txIdPrefix)) {
                    rows++;
                }
            }
        }
        return rows;
    }
}
