package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardstream.core.DimensionIds;
import io.cardstream.core.InvalidReason;
import io.cardstream.core.Topics;
import io.cardstream.producer.StormProducer;
import io.cardstream.schema.MetricsJson;
import io.cardstream.schema.NameGenerator;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/**
 * A corpus of about 12,000 hostile records ({@link HostileCorpus}) through the real job: it never fails, every
 * invalid record is in the dead-letter topic once, byte for byte, with a reason and its position, and every valid
 * one is stored with its hostile ids and cardholder names exactly as sent, in rows and batch samples that stay
 * well-formed for the dashboard.
 */
class HostileInputIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("hostile");
    private static final int PERSONS = 1_000;
    /** Just under the broker's default message.max.bytes (1,048,588) less a record batch's own overhead. */
    private static final int NEAR_BROKER_LIMIT = 1_048_400;

    @Test
    void neverFailsDeadLettersEveryInvalidRecordAndStoresEveryValidOneExactly() throws Exception {
        fixture.schemaAndDimensions(PERSONS, 100);
        Map<String, String> hostileNames = renamePersonsToInjections();
        fixture.topics(RUN.topic(), 2, RUN.dlq());

        long startedAt = System.currentTimeMillis();
        List<HostileCorpus.Entry> corpus = HostileCorpus.build(13, PERSONS, startedAt, NEAR_BROKER_LIMIT);
        Map<String, HostileCorpus.Entry> invalidAt = produce(corpus);
        long valid = corpus.stream().filter(HostileCorpus.Entry::valid).count();
        log.info("Produced {} hostile records: {} valid, {} invalid.", corpus.size(), valid, invalidAt.size());
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(10_000);

        JobConfig config = fixture.jobConfig(RUN, 5_000L);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        try {
            job.start();
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(180), () -> job.failure() == null);
            assertThat(job.failure()).as("the job's failure").isNull();
            passed = true;
        } finally {
            job.stop(passed);
        }

        assertEveryValidRecordStoredExactly(corpus, hostileNames);
        assertEveryInvalidRecordDeadLetteredOnce(invalidAt);
        assertBatchSamplesAreWellFormedJson(startedAt);
    }

    /** Persons 0..n-1 of {@link HostileCorpus#INJECTIONS} get those strings as names; returns id -> name. */
    private Map<String, String> renamePersonsToInjections() throws Exception {
        Map<String, String> names = new HashMap<>();
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.PERSON.tableName())) {
            List<Put> puts = new ArrayList<>();
            for (int i = 0; i < HostileCorpus.INJECTIONS.size(); i++) {
                String id = DimensionIds.personId(i);
                names.put(id, HostileCorpus.INJECTIONS.get(i));
                puts.add(new Put(Bytes.toBytes(id))
                        .addColumn(
                                Schema.PERSON.familyBytes(),
                                Schema.PERSON.column("name").qualifierBytes(),
                                Bytes.toBytes(HostileCorpus.INJECTIONS.get(i))));
            }
            table.put(puts);
        }
        return names;
    }

    /** Sends the corpus uncompressed (so the large records are near the limit on the broker too). */
    private Map<String, HostileCorpus.Entry> produce(List<HostileCorpus.Entry> corpus) throws Exception {
        Map<String, HostileCorpus.Entry> invalidAt = new HashMap<>();
        Map<String, String> overrides = Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "none",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Integer.toString(2 * 1024 * 1024));
        try (var producer =
                new KafkaProducer<byte[], byte[]>(StormProducer.kafkaProperties(STACK.bootstrapServers(), overrides))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (HostileCorpus.Entry e : corpus) {
                acks.add(producer.send(new ProducerRecord<>(RUN.topic(), e.value())));
            }
            producer.flush();
            for (int i = 0; i < corpus.size(); i++) {
                RecordMetadata m = acks.get(i).get();
                if (!corpus.get(i).valid()) {
                    invalidAt.put(m.partition() + "@" + m.offset(), corpus.get(i));
                }
            }
        }
        return invalidAt;
    }

    private void assertEveryValidRecordStoredExactly(List<HostileCorpus.Entry> corpus, Map<String, String> hostileNames)
            throws Exception {
        NameGenerator names = new NameGenerator(JobFixture.NAME_SEED);
        Set<String> known = new HashSet<>();
        for (int i = 0; i < PERSONS; i++) {
            known.add(DimensionIds.personId(i));
        }
        int checked = 0;
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            for (HostileCorpus.Entry e : corpus) {
                if (!e.valid()) {
                    continue;
                }
                Result row = table.get(new Get(Bytes.toBytes(RowKeys.txEnriched(e.txId()))));
                assertThat(row.isEmpty())
                        .as("a row for valid %s record %s", e.kind(), e.txId())
                        .isFalse();
                assertThat(TxRow.read(row).get("tx_id"))
                        .as("tx_id of a %s record", e.kind())
                        .isEqualTo(e.txId());
                assertThat(TxRow.read(row).get("person_id"))
                        .as("person_id of %s", e.txId())
                        .isEqualTo(e.personId());
                // control characters in a name are stored as U+FFFD (DimensionLookup.bounded), the rest as it is
                String expectedName = hostileNames.containsKey(e.personId())
                        ? DimensionLookup.bounded("person", e.personId(), Bytes.toBytes(hostileNames.get(e.personId())))
                        : known.contains(e.personId())
                                ? names.person(Long.parseLong(e.personId().substring(1)))
                                        .name()
                                : null;
                assertThat(TxRow.read(row).get("person_name"))
                        .as("person_name of %s", e.txId())
                        .isEqualTo(expectedName);
                checked++;
            }
        }
        log.info("Every one of the {} valid hostile records is stored with its ids and names as sent.", checked);
        assertThat(checked).isGreaterThan(3_500);
    }

    private void assertEveryInvalidRecordDeadLetteredOnce(Map<String, HostileCorpus.Entry> invalidAt) {
        List<ConsumerRecord<byte[], byte[]>> letters = fixture.consume(RUN.dlq(), invalidAt.size());
        assertThat(letters).as("records in %s", RUN.dlq()).hasSize(invalidAt.size());
        Set<String> reasons = new HashSet<>();
        for (InvalidReason r : InvalidReason.values()) {
            reasons.add(r.name());
        }
        Map<String, Integer> byReason = new HashMap<>();
        Set<String> positions = new HashSet<>();
        int truncated = 0;
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertThat(JobFixture.header(letter, Topics.HEADER_SOURCE_TOPIC)).isEqualTo(RUN.topic());
            String position = JobFixture.header(letter, Topics.HEADER_SOURCE_PARTITION) + "@"
                    + JobFixture.header(letter, Topics.HEADER_SOURCE_OFFSET);
            assertThat(positions.add(position))
                    .as("one letter for %s", position)
                    .isTrue();
            HostileCorpus.Entry original = invalidAt.get(position);
            assertThat(original)
                    .as("an invalid record was sent to %s", position)
                    .isNotNull();
            if (original.value().length > Topics.DEAD_LETTER_MAX_VALUE_BYTES) {
                assertThat(JobFixture.header(letter, Topics.HEADER_TRUNCATED)).isEqualTo("value");
                assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SIZE))
                        .isEqualTo(Integer.toString(original.value().length));
                assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SHA256))
                        .isEqualTo(DeadLetters.sha256(original.value()));
                assertThat(letter.value())
                        .as("the letter for %s holds the original's first bytes", position)
                        .isEqualTo(Arrays.copyOf(original.value(), Topics.DEAD_LETTER_MAX_VALUE_BYTES));
                truncated++;
            } else {
                assertThat(Arrays.equals(letter.value(), original.value()))
                        .as("the letter for %s (%s) holds the original bytes", position, original.kind())
                        .isTrue();
                assertThat(JobFixture.header(letter, Topics.HEADER_TRUNCATED)).isNull();
            }
            String reason = JobFixture.header(letter, Topics.HEADER_ERROR_REASON);
            assertThat(reason)
                    .as("reason of %s (%s)", position, original.kind())
                    .contains(": ");
            String code = reason.substring(0, reason.indexOf(": "));
            assertThat(reasons).as("reason code of %s", position).contains(code);
            byReason.merge(code, 1, Integer::sum);
        }
        log.info(
                "Dead letters by reason: {}; {} cut to their first {} bytes.",
                byReason,
                truncated,
                Topics.DEAD_LETTER_MAX_VALUE_BYTES);
        assertThat(truncated)
                .as("letters of records near the broker's limit, cut")
                .isPositive();
        assertThat(byReason).containsKeys("ID_NOT_WELL_FORMED", "INVALID_UTF8");
    }

    private void assertBatchSamplesAreWellFormedJson(long since) throws Exception {
        ObjectMapper json = new ObjectMapper();
        int samples = 0;
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan())) {
            for (Result row : scanner) {
                byte[] sample = row.getValue(
                        Schema.BATCH_METRICS.familyBytes(),
                        Schema.BATCH_METRICS.column("sample").qualifierBytes());
                byte[] top = row.getValue(
                        Schema.BATCH_METRICS.familyBytes(),
                        Schema.BATCH_METRICS.column("top_companies").qualifierBytes());
                if (sample != null) {
                    assertThat(json.readTree(sample).isArray())
                            .as("batch sample %s", Bytes.toString(sample))
                            .isTrue();
                    assertThat(MetricsJson.readSample(Bytes.toString(sample)))
                            .as("batch sample %s", Bytes.toString(sample))
                            .allSatisfy(tx -> assertThat(tx.txId()).isNotNull());
                    samples++;
                }
                if (top != null) {
                    assertThat(json.readTree(top).isArray()).isTrue();
                    assertThat(MetricsJson.readCompanies(Bytes.toString(top)))
                            .allSatisfy(
                                    company -> assertThat(company.companyId()).isNotNull());
                }
            }
        }
        assertThat(samples).as("batch samples read back").isPositive();
    }
}
