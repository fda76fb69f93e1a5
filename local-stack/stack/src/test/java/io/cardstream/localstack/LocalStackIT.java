package io.cardstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The local stack serves real clients: 10,000 records through the broker, 10,000 rows through HBase. */
class LocalStackIT {

    private static final int COUNT = 10_000;

    /** A caller's hbase-site setting, which must win over the local stack's own. */
    private static final Map<String, String> HBASE_SETTINGS =
            Map.of("hbase.hstore.compaction.throughput.higher.bound", Long.toString(60L << 20));

    @RegisterExtension
    static final LocalStackExtension STACK =
            LocalStackExtension.kafkaAndHBase().configure(c -> c.withHBaseSettings(HBASE_SETTINGS));

    @Test
    void brokerTakesAndGivesBackTenThousandRecords() throws Exception {
        String topic = "stack-it-" + UUID.randomUUID();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        try (var client = org.apache.kafka.clients.admin.Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(topic, 4, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            // createTopics returns before the partition leaders serve; write only once all of them answer
            var latest = new java.util.HashMap<
                    org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
            for (int p = 0; p < 4; p++) {
                latest.put(
                        new org.apache.kafka.common.TopicPartition(topic, p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> client.listOffsets(latest)
                                    .all()
                                    .get(5, TimeUnit.SECONDS)
                                    .size()
                            == 4);
        }

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < COUNT; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 97), "value-" + i));
            }
            producer.flush();
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "stack-it");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> values = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < COUNT && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                    partitions.add(r.partition());
                }
            }
        }
        assertThat(values).hasSize(COUNT).contains("value-0", "value-" + (COUNT - 1));
        assertThat(partitions).hasSize(4);
    }

    @Test
    void hbaseStoresAndReturnsTenThousandRows() throws Exception {
        Configuration conf = HBaseConfiguration.create();
        STACK.hbaseSettings().forEach(conf::set);
        TableName name = TableName.valueOf("stack_it_" + System.nanoTime());
        byte[] family = Bytes.toBytes("d");
        try (Connection connection = ConnectionFactory.createConnection(conf);
                Admin admin = connection.getAdmin()) {
            admin.createTable(TableDescriptorBuilder.newBuilder(name)
                    .setColumnFamily(ColumnFamilyDescriptorBuilder.of(family))
                    .build());
            try (BufferedMutator mutator = connection.getBufferedMutator(name)) {
                for (int i = 0; i < COUNT; i++) {
                    mutator.mutate(new Put(Bytes.toBytes(rowKey(i)))
                            .addColumn(family, Bytes.toBytes("v"), Bytes.toBytes("value-" + i)));
                }
                mutator.flush();
            }
            try (Table table = connection.getTable(name)) {
                int rows = 0;
                try (ResultScanner scanner = table.getScanner(new Scan().addFamily(family))) {
                    for (Result r : scanner) {
                        String key = Bytes.toString(r.getRow());
                        assertThat(Bytes.toString(r.getValue(family, Bytes.toBytes("v"))))
                                .isEqualTo("value-" + Integer.parseInt(key.substring(4)));
                        rows++;
                    }
                }
                assertThat(rows).isEqualTo(COUNT);

                List<Get> gets = new ArrayList<>();
                for (int i = 0; i < COUNT; i += 1000) {
                    gets.add(new Get(Bytes.toBytes(rowKey(i))));
                }
                gets.add(new Get(Bytes.toBytes("row-missing")));
                Result[] results = table.get(gets);
                assertThat(results).hasSize(11);
                assertThat(Bytes.toString(results[3].getValue(family, Bytes.toBytes("v"))))
                        .isEqualTo("value-3000");
                assertThat(results[10].isEmpty()).isTrue();
            }
        }
    }

    @Test
    void compactionsRunAtTheLocalPaceAndTheCallersSettingsWin() {
        // Compactions of 6 files or more (HBase's default: 3).
        // 10 MB/s is the local stack's own lower bound (HBase's is 50); the higher bound is the caller's 60, not 50.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(java.nio.file.Files.readString(
                                STACK.stack().logFiles().get(LocalStack.HBASE)))
                        .contains("Compaction throughput configurations, higher bound: 60.00 MB/second,"
                                + " lower bound 10.00 MB/second")
                        .contains("files [minFilesToCompact:6, maxFilesToCompact:10)")
                        .doesNotContain("files [minFilesToCompact:3,"));
    }

    @Test
    void connectionFileHoldsWhatClientsNeed() throws Exception {
        Properties file = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(STACK.stack().connectionFile(), StandardCharsets.UTF_8)) {
            file.load(in);
        }
        assertThat(Map.copyOf(file))
                .containsEntry("bootstrap.servers", STACK.bootstrapServers())
                .containsEntry("hbase.zookeeper.quorum", "127.0.0.1")
                .containsEntry("hbase.zookeeper.property.clientPort", Integer.toString(STACK.zookeeperPort()));
    }

    private static String rowKey(int i) {
        return String.format("row-%05d", i);
    }
}
