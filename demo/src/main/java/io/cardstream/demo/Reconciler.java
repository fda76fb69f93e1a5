package io.cardstream.demo;

import io.cardstream.core.Topics;
import io.cardstream.producer.GeneratedRecord;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what a run left behind, independently of the job's own counters: rows in {@code tx_enriched} by a full
 * key-only scan, dead letters by their distinct source positions as a read_committed consumer sees them, and
 * every valid generated transaction looked up by its row key.
 */
final class Reconciler {

    private static final int CHECK_BATCH = 5_000;

    private final Connection hbase;
    private final String bootstrapServers;

    Reconciler(Connection hbase, String bootstrapServers) {
        this.hbase = hbase;
        this.bootstrapServers = bootstrapServers;
    }

    /** Reconciles records {@code 0..sent-1} of {@code generator}, of which Kafka acknowledged {@code acked}. */
    Reconciliation reconcile(
            long sent,
            long acked,
            LongFunction<GeneratedRecord> generator,
            TableName txTable,
            TableName metricsTable,
            String deadLetterTopic)
            throws IOException {
        long valid = 0;
        long missing = 0;
        try (Table table = hbase.getTable(txTable)) {
            List<Get> gets = new ArrayList<>(CHECK_BATCH);
            for (long i = 0; i < sent; i++) {
                GeneratedRecord record = generator.apply(i);
                if (!record.isValid()) {
                    continue;
                }
                valid++;
                gets.add(new Get(RowKeys.txEnriched(record.transaction().txId()).getBytes(StandardCharsets.UTF_8)));
                if (gets.size() == CHECK_BATCH) {
                    missing += countAbsent(table.exists(gets));
                    gets.clear();
                }
            }
            if (!gets.isEmpty()) {
                missing += countAbsent(table.exists(gets));
            }
        }
        return new Reconciliation(
                acked,
                valid,
                countRows(txTable),
                countDeadLetters(deadLetterTopic),
                missing,
                sumRepeated(metricsTable));
    }

    /** The job's count of repeated txIds, over every batch in {@code batch_metrics}. */
    long sumRepeated(TableName metricsTable) throws IOException {
        byte[] family = Schema.BATCH_METRICS.familyBytes();
        byte[] qualifier = Schema.BATCH_METRICS.column("repeated").qualifierBytes();
        long sum = 0;
        try (Table table = hbase.getTable(metricsTable);
                ResultScanner scanner = table.getScanner(new Scan().addColumn(family, qualifier))) {
            for (Result row : scanner) {
                sum += Long.parseLong(new String(row.getValue(family, qualifier), StandardCharsets.UTF_8));
            }
        }
        return sum;
    }

    long countRows(TableName tableName) throws IOException {
        Scan scan = new Scan()
                .setFilter(new FirstKeyOnlyFilter())
                .setCaching(10_000)
                .setCacheBlocks(false);
        long rows = 0;
        try (Table table = hbase.getTable(tableName);
                ResultScanner scanner = table.getScanner(scan)) {
            for (Result ignored : scanner) {
                rows++;
            }
        }
        return rows;
    }

    long countDeadLetters(String topic) {
        Set<String> positions = new HashSet<>();
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000,
                // the job writes dead letters in transactions; an aborted one is read again and written anew
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Reading the dead-letter topic " + topic + " did not reach its" + " end within 2 minutes.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    positions.add(
                            header(r, Topics.HEADER_SOURCE_PARTITION) + "@" + header(r, Topics.HEADER_SOURCE_OFFSET));
                }
            }
        }
        return positions.size();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "?" + r.partition() + ":" + r.offset() : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long countAbsent(boolean[] exists) {
        long absent = 0;
        for (boolean e : exists) {
            if (!e) {
                absent++;
            }
        }
        return absent;
    }
}
