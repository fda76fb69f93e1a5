package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DimensionIds;
import io.cardstream.core.Topics;
import io.cardstream.producer.StormProducer;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A flood of {@value #LARGE} records of 900 kB each (18 GB once decompressed; lz4 makes them a few kB on the wire),
 * between small valid transactions, through the job as spark-submit runs it with a 1 GB heap and its default
 * settings: rate limits count records, not bytes, so only the task's own bounds (records a poll, decoded chunks,
 * bounded dead letters) keep it alive. It stays up, stores every valid record, dead-letters every large one once,
 * bounded, and commits to the log end.
 */
class LargeRecordFloodIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("flood");
    private static final int LARGE = 20_000;
    private static final int LARGE_BYTES = 900_000;
    private static final int VALID_EVERY = 10;

    @Test
    void aFloodOfLargeRecordsNeitherRunsTheJobOutOfMemoryNorLosesARecord() throws Exception {
        fixture.prepare(RUN, 2, 100, 10);
        long now = System.currentTimeMillis();
        Set<String> validTxIds = new HashSet<>();
        byte[] large = new byte[LARGE_BYTES];
        Arrays.fill(large, (byte) 'x');
        long started = System.nanoTime();
        try (var producer = new KafkaProducer<byte[], byte[]>(StormProducer.kafkaProperties(
                STACK.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(2 << 20))))) {
            for (int i = 0; i < LARGE; i++) {
                producer.send(new ProducerRecord<>(RUN.topic(), i % 2, null, large));
                if (i % VALID_EVERY == 0) {
                    String txId = "flood-" + i;
                    validTxIds.add(txId);
                    producer.send(new ProducerRecord<>(
                            RUN.topic(),
                            i % 2,
                            null,
                            HostileCorpus.json(
                                            txId,
                                            DimensionIds.personId(i % 100),
                                            DimensionIds.companyId(i % 10),
                                            "4.20",
                                            "EUR",
                                            now)
                                    .getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        log.info(
                "Produced {} records of {} bytes and {} valid ones in {} ms.",
                LARGE,
                LARGE_BYTES,
                validTxIds.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        List<String> args = fixture.jobArgs(RUN);
        Path jobLog = JobFixture.freshDirectory("flood-it").resolve("job.log");
        try (JobProcess job = JobProcess.start(jobLog, args)) {
            long running = System.nanoTime();
            fixture.awaitCommittedToLogEnd(RUN.group(), RUN.topic(), 2, Duration.ofSeconds(600), job::isAlive);
            log.info(
                    "The job (1 GB heap) took the flood in {} ms.",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - running));
            assertThat(job.isAlive()).as("the job runs; see %s", jobLog).isTrue();
            assertThat(job.terminate(90)).isTrue();
            assertThat(job.output()).doesNotContain("OutOfMemoryError").doesNotContainPattern("Batch \\d+ failed");
        }
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            for (String txId : validTxIds) {
                assertThat(table.exists(new Get(Bytes.toBytes(RowKeys.txEnriched(txId)))))
                        .as("row of %s", txId)
                        .isTrue();
            }
        }
        assertEveryLargeRecordDeadLetteredOnceBounded();
    }

    /** Reads the dead letters without keeping them (5 GB in all): one per large record, each cut and described. */
    private void assertEveryLargeRecordDeadLetteredOnceBounded() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        TopicPartition tp = new TopicPartition(RUN.dlq(), 0);
        long end = fixture.logEnd(RUN.dlq(), 1).get(tp);
        Set<String> positions = new HashSet<>();
        byte[] large = new byte[LARGE_BYTES];
        Arrays.fill(large, (byte) 'x');
        String digest = DeadLetters.sha256(large);
        int letters = 0;
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (consumer.position(tp) < end) {
                assertThat(System.nanoTime())
                        .as("the dead letters read within 300 s")
                        .isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(letter.value()).hasSize(Topics.DEAD_LETTER_MAX_VALUE_BYTES);
                    assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SIZE))
                            .isEqualTo(Integer.toString(LARGE_BYTES));
                    assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SHA256))
                            .isEqualTo(digest);
                    positions.add(JobFixture.header(letter, Topics.HEADER_SOURCE_PARTITION) + "@"
                            + JobFixture.header(letter, Topics.HEADER_SOURCE_OFFSET));
                    letters++;
                }
            }
        }
        assertThat(letters).as("dead letters").isEqualTo(LARGE);
        assertThat(positions).as("distinct records dead-lettered").hasSize(LARGE);
    }
}
