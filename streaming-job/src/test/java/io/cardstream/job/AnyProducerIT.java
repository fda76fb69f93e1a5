package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DimensionIds;
import io.cardstream.core.Topics;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TopicAdmin;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What producers the job does not control write, through the real job at its default settings: transactions
 * committed and aborted between ordinary records, with the first batch's ranges ending exactly on a commit marker
 * (partition 0) and on an abort marker (partition 1); a poison pill far larger than any dead letter once
 * decompressed, with an oversized key and too many headers; every class of the data contract's encoding rules;
 * txIds repeated with different content; a cardholder name of 100 kB in HBase. One job run takes all of it, and a
 * second one a compacted topic whose offsets the cleaner has made non-consecutive. Each run: every valid record
 * stored once, every invalid one dead-lettered once, aborted records never stored, offsets committed to the log end,
 * the job still running.
 */
class AnyProducerIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("any-producer");
    private static final int PERSONS = 200;
    /** The person whose name in HBase is 100 kB long. */
    private static final String LONG_NAME_PERSON = DimensionIds.personId(7);

    private static final String COMPANY = DimensionIds.companyId(1);

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    private final JobFixture fixture = new JobFixture(STACK);
    private final long now = System.currentTimeMillis();
    private int serial;
    /** txId -> the person id its stored row must have; a null value: the txId must not be stored. */
    private final Map<String, String> expected = new HashMap<>();
    /** "partition@offset" of every invalid record. */
    private final Set<String> invalid = new HashSet<>();

    @Test
    void everyKindOfProducerInputIsStoredOrDeadLetteredOnceAndTheJobKeepsRunning() throws Exception {
        fixture.schemaAndDimensions(PERSONS, 50);
        setPersonName(LONG_NAME_PERSON, "N".repeat(100_000));
        fixture.topics(RUN.topic(), 2, RUN.dlq());
        String repeatedLater;
        String repeatedEarlier;
        try (KafkaProducer<byte[], byte[]> plain = producer(Map.of());
                KafkaProducer<byte[], byte[]> tx =
                        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "upstream-tx"))) {
            tx.initTransactions();
            for (int p = 0; p < 2; p++) {
                ordinary(plain, p, 50);
                transaction(tx, p, 20, true);
                ordinary(plain, p, 10);
                transaction(tx, p, 15, false);
                ordinary(plain, p, 10);
            }
            codecClasses(plain);
            poisonPill();
            repeatedLater = repeats(plain, true);
            repeatedEarlier = repeats(plain, false);
            // the first batch's ranges end on a commit marker (partition 0) and on an abort marker (partition 1)
            transaction(tx, 0, 5, true);
            transaction(tx, 1, 5, false);
        }
        Map<TopicPartition, Long> markersAtEnd = fixture.logEnd(RUN.topic(), 2);

        JobConfig config = fixture.jobConfig(RUN);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        try {
            job.start();
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(60), () -> job.failure() == null);
            assertThat(fixture.committed(RUN.group()))
                    .as("committed past the markers that end the logs")
                    .isEqualTo(markersAtEnd);
            // the next batches neither read those ranges again nor skip a record after them
            try (KafkaProducer<byte[], byte[]> plain = producer(Map.of())) {
                ordinary(plain, 0, 30);
                ordinary(plain, 1, 30);
            }
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(60), () -> job.failure() == null);
            assertThat(job.failure()).as("the job's failure").isNull();
            passed = true;
        } finally {
            job.stop(passed);
        }

        assertStoredExactlyAsExpected();
        assertDeadLetteredOnce(RUN.dlq(), RUN.topic(), invalid.size());
        assertRowIsWhole(repeatedLater, null, "PERSON_MISSING");
        assertRowIsWhole(repeatedEarlier, null, "PERSON_MISSING");
        assertThat(sumOfRepeated())
                .as("repeated txIds counted in batch_metrics")
                .isGreaterThanOrEqualTo(2);
        String longName = personNameOf(expected.entrySet().stream()
                .filter(e -> LONG_NAME_PERSON.equals(e.getValue()))
                .findFirst()
                .orElseThrow()
                .getKey());
        assertThat(longName).hasSize(DimensionLookup.MAX_NAME_CHARS + 1).endsWith("\u2026");
    }

    @Test
    void aCompactedTopicWithOffsetGapsIsReadToItsEnd() throws Exception {
        fixture.schemaAndDimensions(PERSONS, 50);
        String topic = "compacted-tx";
        String dlq = "compacted-dlq";
        String group = "compacted-group";
        try (Admin admin = admin()) {
            TopicAdmin.createAndAwait(
                    admin,
                    topic,
                    1,
                    (short) 1,
                    Map.of(
                            "cleanup.policy",
                            "compact",
                            "segment.ms",
                            "100",
                            "min.cleanable.dirty.ratio",
                            "0.01",
                            "delete.retention.ms",
                            "100"),
                    Duration.ofSeconds(30));
            TopicAdmin.createDeadLetterTopicAndAwait(admin, dlq, 1, (short) 1, Duration.ofSeconds(30));
        }
        // ten keys written ten times each: the cleaner keeps the last record of each key
        Map<String, String> lastTxOfKey = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> plain = producer(Map.of())) {
            for (int round = 0; round < 10; round++) {
                for (int k = 0; k < 10; k++) {
                    String txId = "compacted-" + round + "-" + k;
                    String person = DimensionIds.personId(k);
                    lastTxOfKey.put("key-" + k, txId);
                    plain.send(new ProducerRecord<>(
                            topic,
                            0,
                            bytes("key-" + k),
                            bytes(HostileCorpus.json(txId, person, DimensionIds.companyId(1), "5.00", "EUR", now))));
                }
                plain.flush();
            }
        }
        awaitOffsetGaps(topic);

        JobConfig config = fixture.jobConfig(topic, group, dlq);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        try {
            job.start();
            fixture.awaitCommittedToLogEnd(group, topic, 1, Duration.ofSeconds(60), () -> job.failure() == null);
            passed = true;
        } finally {
            job.stop(passed);
        }
        // the last record of each key is never cleaned away: each must be stored
        for (String txId : lastTxOfKey.values()) {
            assertThat(rowExists(txId)).as("row of surviving record %s", txId).isTrue();
        }
        assertThat(fixture.consume(dlq, 0))
                .as("dead letters of a compacted topic of valid records")
                .isEmpty();
    }

    private void ordinary(KafkaProducer<byte[], byte[]> producer, int partition, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            valid(producer, partition, "ord", DimensionIds.personId(serial % PERSONS), null);
        }
        producer.flush();
    }

    /** {@code count} valid records in one transaction, committed or aborted (then none may be stored). */
    private void transaction(KafkaProducer<byte[], byte[]> tx, int partition, int count, boolean commit)
            throws Exception {
        tx.beginTransaction();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String txId = next(commit ? "committed" : "aborted");
            String person = i == 0 ? LONG_NAME_PERSON : DimensionIds.personId(i % PERSONS);
            tx.send(new ProducerRecord<>(
                    RUN.topic(),
                    partition,
                    bytes(person),
                    bytes(HostileCorpus.json(txId, person, DimensionIds.companyId(i % 50), "2.50", "EUR", now))));
            ids.add(txId);
        }
        if (commit) {
            tx.commitTransaction();
            for (int i = 0; i < ids.size(); i++) {
                expected.put(ids.get(i), i == 0 ? LONG_NAME_PERSON : DimensionIds.personId(i % PERSONS));
            }
        } else {
            tx.abortTransaction();
            ids.forEach(id -> expected.put(id, null));
        }
    }

    private void codecClasses(KafkaProducer<byte[], byte[]> producer) throws Exception {
        String person = DimensionIds.personId(3);
        // UTF-16 and UTF-32 text of a valid transaction: invalid, the contract is UTF-8
        for (java.nio.charset.Charset cs : new java.nio.charset.Charset[] {
            StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, java.nio.charset.Charset.forName("UTF-32")
        }) {
            invalidRecord(
                    producer,
                    HostileCorpus.json(next("enc"), person, COMPANY, "1.00", "EUR", now)
                            .getBytes(cs));
        }
        // two txIds that differ only in an unpaired surrogate, and a control character: invalid
        for (String escape : new String[] {"\\uD800", "\\uDBFF", "\\u0007"}) {
            invalidRecord(
                    producer,
                    bytes(HostileCorpus.json("surrogate-twin", person, COMPANY, "1.00", "EUR", now)
                            .replace("surrogate-twin", "surrogate-twin" + escape)));
        }
        // a UTF-8 byte order mark: ignored, the transaction is stored
        String bomTxId = next("bom");
        byte[] json = bytes(HostileCorpus.json(bomTxId, person, COMPANY, "1.00", "EUR", now));
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        producer.send(new ProducerRecord<>(RUN.topic(), 0, bytes(person), withBom))
                .get();
        expected.put(bomTxId, person);
    }

    /**
     * A value of 5 MB that compresses to a few kB (so the broker takes it), with a 20 kB key and 40 headers of
     * 1 kB: a dead letter of it whole could never be written.
     */
    private void poisonPill() throws Exception {
        try (KafkaProducer<byte[], byte[]> big = producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "gzip",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                Integer.toString(8 << 20)))) {
            ProducerRecord<byte[], byte[]> pill =
                    new ProducerRecord<>(RUN.topic(), 1, new byte[20_000], new byte[5_000_000]);
            for (int i = 0; i < 40; i++) {
                pill.headers().add(new RecordHeader("h" + i, new byte[1_000]));
            }
            var meta = big.send(pill).get(30, TimeUnit.SECONDS);
            invalid.add(meta.partition() + "@" + meta.offset());
        }
    }

    /**
     * Two records of one txId, the later event time with an unknown person: whichever arrives first, the row must
     * be the later one's whole (no name of the other). Returns the txId.
     */
    private String repeats(KafkaProducer<byte[], byte[]> producer, boolean laterLast) throws Exception {
        String txId = next(laterLast ? "repeat-later-last" : "repeat-later-first");
        String known = DimensionIds.personId(5);
        byte[] earlier = bytes(HostileCorpus.json(txId, known, COMPANY, "3.00", "EUR", now - 5_000));
        byte[] later = bytes(HostileCorpus.json(txId, "P-UNKNOWN", COMPANY, "3.00", "EUR", now));
        for (byte[] v : laterLast ? List.of(earlier, later) : List.of(later, earlier)) {
            producer.send(new ProducerRecord<>(RUN.topic(), 0, bytes(known), v)).get();
        }
        expected.put(txId, "P-UNKNOWN");
        return txId;
    }

    private void valid(
            KafkaProducer<byte[], byte[]> producer, int partition, String kind, String person, String company)
            throws Exception {
        String txId = next(kind);
        producer.send(new ProducerRecord<>(
                RUN.topic(),
                partition,
                bytes(person),
                bytes(HostileCorpus.json(
                        txId,
                        person,
                        company == null ? DimensionIds.companyId(serial % 50) : company,
                        "1.25",
                        "EUR",
                        now))));
        expected.put(txId, person);
    }

    private void invalidRecord(KafkaProducer<byte[], byte[]> producer, byte[] value) throws Exception {
        var meta =
                producer.send(new ProducerRecord<>(RUN.topic(), 0, null, value)).get();
        invalid.add(meta.partition() + "@" + meta.offset());
    }

    private String next(String kind) {
        return kind + "-" + serial++;
    }

    private void assertStoredExactlyAsExpected() throws Exception {
        int stored = 0;
        int absent = 0;
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Result row = table.get(new Get(Bytes.toBytes(RowKeys.txEnriched(e.getKey()))));
                if (e.getValue() == null) {
                    assertThat(row.isEmpty())
                            .as("a row for aborted %s", e.getKey())
                            .isTrue();
                    absent++;
                } else {
                    assertThat(row.isEmpty()).as("a row for %s", e.getKey()).isFalse();
                    assertThat(TxRow.read(row).get("person_id"))
                            .as("person_id of %s", e.getKey())
                            .isEqualTo(e.getValue());
                    stored++;
                }
            }
        }
        log.info("{} valid records stored, {} aborted ones absent, {} invalid ones.", stored, absent, invalid.size());
        assertThat(absent).isPositive();
    }

    /** Every one of the {@code count} letters in {@code dlq} is a distinct invalid record's, read committed. */
    private void assertDeadLetteredOnce(String dlq, String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> letters = fixture.consume(dlq, count);
        assertThat(letters).as("dead letters").hasSize(count);
        Set<String> positions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String position = JobFixture.header(letter, Topics.HEADER_SOURCE_PARTITION) + "@"
                    + JobFixture.header(letter, Topics.HEADER_SOURCE_OFFSET);
            assertThat(positions.add(position))
                    .as("one letter for %s", position)
                    .isTrue();
            assertThat(invalid).as("letter positions").contains(position);
            assertThat(JobFixture.header(letter, Topics.HEADER_SOURCE_TOPIC)).isEqualTo(topic);
            if (letter.value().length == Topics.DEAD_LETTER_MAX_VALUE_BYTES) {
                // the poison pill, bounded: a prefix, its size and digest, its key cut, its headers as many as fit
                assertThat(JobFixture.header(letter, Topics.HEADER_TRUNCATED)).isEqualTo("value,key");
                assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SIZE))
                        .isEqualTo("5000000");
                assertThat(JobFixture.header(letter, Topics.HEADER_ORIGINAL_SHA256))
                        .isEqualTo(DeadLetters.sha256(new byte[5_000_000]));
                assertThat(letter.key()).hasSize(Topics.DEAD_LETTER_MAX_KEY_BYTES);
                assertThat(JobFixture.header(letter, Topics.HEADER_HEADERS_DROPPED))
                        .isNotNull();
                assertThat(letter.headers().lastHeader("h0"))
                        .as("an original header")
                        .isNotNull();
                assertThat(JobFixture.header(letter, Topics.HEADER_ERROR_REASON))
                        .startsWith("RECORD_TOO_LARGE");
            }
        }
    }

    private void assertRowIsWhole(String txId, String personName, String status) throws Exception {
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            Result row = table.get(new Get(Bytes.toBytes(RowKeys.txEnriched(txId))));
            assertThat(TxRow.read(row).get("enrich_status"))
                    .as("status of %s", txId)
                    .isEqualTo(status);
            assertThat(TxRow.read(row).get("person_name"))
                    .as("person_name of %s", txId)
                    .isEqualTo(personName);
            assertThat(TxRow.read(row).get("person_id"))
                    .as("person_id of %s", txId)
                    .isEqualTo("P-UNKNOWN");
        }
    }

    private long sumOfRepeated() throws Exception {
        long sum = 0;
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan())) {
            for (Result row : scanner) {
                byte[] v = row.getValue(
                        Schema.BATCH_METRICS.familyBytes(),
                        Schema.BATCH_METRICS.column("repeated").qualifierBytes());
                sum += v == null ? 0 : Long.parseLong(Bytes.toString(v));
            }
        }
        return sum;
    }

    private String personNameOf(String txId) throws Exception {
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            return TxRow.read(table.get(new Get(Bytes.toBytes(RowKeys.txEnriched(txId)))))
                    .get("person_name");
        }
    }

    private boolean rowExists(String txId) throws Exception {
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            return !table.get(new Get(Bytes.toBytes(RowKeys.txEnriched(txId)))).isEmpty();
        }
    }

    private void setPersonName(String personId, String name) throws Exception {
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.PERSON.tableName())) {
            table.put(new Put(Bytes.toBytes(personId))
                    .addColumn(
                            Schema.PERSON.familyBytes(),
                            Schema.PERSON.column("name").qualifierBytes(),
                            Bytes.toBytes(name)));
        }
    }

    /** Polls until the cleaner has removed records: the offsets read from the start are no longer consecutive. */
    private void awaitOffsetGaps(String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int rolls = 0;
        try (KafkaProducer<byte[], byte[]> plain = producer(Map.of())) {
            while (true) {
                List<ConsumerRecord<byte[], byte[]>> all = readAll(topic);
                long gaps = 0;
                for (int i = 1; i < all.size(); i++) {
                    gaps += all.get(i).offset() - all.get(i - 1).offset() - 1;
                }
                if (gaps > 0) {
                    log.info(
                            "The cleaner left {} records of {} offsets: {} offsets are gaps.",
                            all.size(),
                            all.get(all.size() - 1).offset() + 1,
                            gaps);
                    return;
                }
                assertThat(System.nanoTime())
                        .as("the cleaner compacted %s within 90 s", topic)
                        .isLessThan(deadline);
                // a segment is cleaned once closed; a new record after segment.ms rolls the active one
                String txId = "compacted-roll-" + rolls++;
                plain.send(new ProducerRecord<>(
                                topic,
                                0,
                                bytes("key-roll"),
                                bytes(HostileCorpus.json(
                                        txId,
                                        DimensionIds.personId(1),
                                        DimensionIds.companyId(1),
                                        "5.00",
                                        "EUR",
                                        now))))
                        .get();
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition tp = new TopicPartition(topic, 0);
        long end = fixture.logEnd(topic, 1).get(tp);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).records(tp).forEach(records::add);
            }
        }
        return records;
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        settings.putAll(overrides);
        return new KafkaProducer<>(StormProducer.kafkaProperties(STACK.bootstrapServers(), settings));
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
