package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the job's ITs share: a prepared stack, a producer run, and the checks of where the job got to. */
final class JobFixture {

    static final long NAME_SEED = 1;

    private final LocalStackExtension stack;

    JobFixture(LocalStackExtension stack) {
        this.stack = stack;
    }

    Configuration hbase() {
        Configuration conf = HBaseConfiguration.create();
        stack.hbaseSettings().forEach(conf::set);
        return conf;
    }

    /** The schema, and persons 0..persons-1 and companies 0..companies-1 with names of seed {@link #NAME_SEED}. */
    void schemaAndDimensions(int persons, int companies) throws IOException {
        try (Connection c = ConnectionFactory.createConnection(hbase()); Admin admin = c.getAdmin()) {
            new SchemaManager(admin, Compression.Algorithm.NONE).create();
            DimensionLoader loader = new DimensionLoader(c, NAME_SEED);
            loader.loadPersons(persons, n -> { });
            loader.loadCompanies(companies, n -> { });
        }
    }

    void topics(String topic, int partitions, String dlq) throws Exception {
        try (var admin = kafkaAdmin()) {
            TopicAdmin.createAndAwait(admin, topic, partitions, (short) 1, Duration.ofSeconds(30));
            TopicAdmin.createAndAwait(admin, dlq, 1, (short) 1, Duration.ofSeconds(30));
        }
    }

    StormProducer.Summary produce(String topic, GeneratorConfig config, long count, double rate) {
        try (var producer = new KafkaProducer<byte[], byte[]>(
                StormProducer.kafkaProperties(stack.bootstrapServers(), Map.of()))) {
            return new StormProducer(producer, topic, new TransactionGenerator(config), RateSchedule.steady(rate))
                    .run(0, count, null, () -> false, p -> { });
        }
    }

    Map<TopicPartition, Long> logEnd(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try (var admin = kafkaAdmin()) {
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    Map<TopicPartition, Long> committed(String group) throws Exception {
        try (var admin = kafkaAdmin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** Polls until the group's committed offsets are the log end, while {@code running} holds; asserts it. */
    void awaitCommittedToLogEnd(String group, String topic, int partitions, Duration timeout, BooleanSupplier running)
            throws Exception {
        Map<TopicPartition, Long> ends = logEnd(topic, partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> committed = Map.of();
        while (System.nanoTime() < deadline && running.getAsBoolean()) {
            committed = committed(group);
            if (committed.equals(ends)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        assertThat(running.getAsBoolean()).as("the job is still running").isTrue();
        assertThat(committed).as("committed offsets of %s", group).isEqualTo(ends);
    }

    /** Rows of tx_enriched whose tx_id starts with {@code prefix} (one producer seed's run). */
    long countRows(String txIdPrefix) throws IOException {
        long rows = 0;
        try (Connection c = ConnectionFactory.createConnection(hbase());
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

    /** Reads {@code topic} from the start until {@code expected} records arrived (60 s at most), plus one more poll. */
    List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String txIdPrefix(GeneratorConfig config) {
        return new TransactionGenerator(config).generate(0).transaction().txId().substring(0, 12);
    }

    private org.apache.kafka.clients.admin.Admin kafkaAdmin() {
        return org.apache.kafka.clients.admin.Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }
}
