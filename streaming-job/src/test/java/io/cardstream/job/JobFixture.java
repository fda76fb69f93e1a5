package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.EnrichStatus;
import io.cardstream.core.Topics;
import io.cardstream.core.TransactionCodec;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratedRecord;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.RateSchedule;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TopicAdmin;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.DimensionLoader;
import io.cardstream.schema.HBaseConnections;
import io.cardstream.schema.NameGenerator;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import io.cardstream.schema.TableSpec;
import io.cardstream.schema.TxRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/** What the job's ITs share: a prepared stack, a producer run, and the checks of where the job got to. */
public final class JobFixture {

    public static final long NAME_SEED = 1;

    private final LocalStackExtension stack;

    /**
     * The names one scenario uses, from one prefix: its topic {@code <prefix>-tx}, dead-letter topic
     * {@code <prefix>-dlq} and consumer group {@code <prefix>-group}, so that tests sharing a stack never meet.
     */
    public record Names(String topic, String dlq, String group) {
        public static Names of(String prefix) {
            return new Names(prefix + "-tx", prefix + "-dlq", prefix + "-group");
        }
    }

    /**
     * The job's command-line arguments for the scenario {@code names} on this fixture's stack (Kafka, both topics,
     * the group, HBase's ZooKeeper), then {@code more}.
     */
    public List<String> jobArgs(Names names, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--topic",
                names.topic(),
                "--dlq-topic",
                names.dlq(),
                "--group-id",
                names.group(),
                "--zookeeper-quorum",
                "127.0.0.1",
                "--zookeeper-port",
                Integer.toString(stack.zookeeperPort())));
        args.addAll(List.of(more));
        return List.copyOf(args);
    }

    /** The schema with {@code persons} and {@code companies} loaded, and the scenario's two topics. */
    public void prepare(Names names, int partitions, int persons, int companies) throws Exception {
        schemaAndDimensions(persons, companies);
        topics(names.topic(), partitions, names.dlq());
    }

    /** A fixture on {@code stack}; the jobs the ITs start in their own JVM run without Spark's UI (a port each). */
    public JobFixture(LocalStackExtension stack) {
        this.stack = stack;
        System.setProperty("spark.ui.enabled", "false");
    }

    /**
     * Empties target/{@code name}, the directory of one IT's logs and files, and returns it: the ITs read the logs
     * there, and a previous run's lines must not answer for this one's.
     */
    public static Path freshDirectory(String name) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    public Configuration hbase() {
        Configuration conf = HBaseConfiguration.create();
        stack.hbaseSettings().forEach(conf::set);
        return conf;
    }

    /**
     * The schema with empty tables, and persons 0..persons-1 and companies 0..companies-1 with names of seed
     * {@link #NAME_SEED}: what a stack of the IT's own would hold, also on a stack shared with other ITs (tables that
     * existed are truncated, keeping their regions).
     */
    public void schemaAndDimensions(int persons, int companies) throws IOException {
        try (Connection c = HBaseConnections.open(hbase());
                Admin admin = c.getAdmin()) {
            SchemaManager.CreateReport report = new SchemaManager(admin, Compression.Algorithm.NONE).create();
            for (TableSpec table : Schema.TABLES) {
                if (!report.created().contains(table.tableName().getNameAsString())) {
                    admin.disableTable(table.tableName());
                    admin.truncateTable(table.tableName(), true);
                }
            }
            DimensionLoader loader = new DimensionLoader(c, NAME_SEED);
            loader.loadPersons(persons, n -> {});
            loader.loadCompanies(companies, n -> {});
        }
    }

    /**
     * The job's configuration for a scenario on this stack: every setting at its default (local[2], 1 s batches,
     * backpressure on, earliest offsets, the schema's tables) but a cache of 100,000 rows; tests change what they
     * need with {@link JobConfig#with}.
     */
    public JobConfig jobConfig(Names names) {
        return jobConfig(names.topic(), names.group(), names.dlq());
    }

    /**
     * As {@link #jobConfig(Names)}, reading at most {@code ratePerPartition} records a second from each partition, and
     * as many in the first batch (max-rate-per-partition and initial-rate).
     */
    public JobConfig jobConfig(Names names, long ratePerPartition) {
        return jobConfig(names)
                .with(JobSettings.MAX_RATE_PER_PARTITION, ratePerPartition)
                .with(JobSettings.INITIAL_RATE, ratePerPartition);
    }

    /**
     * Starts a job of {@code config} on the scenario {@code names}, waits (3 minutes at most) until it has committed
     * every partition's log end, and stops it: gracefully once drained, at once if it failed or the wait ran out.
     */
    public void runUntilDrained(JobConfig config, Names names, int partitions) throws Exception {
        StreamingJob job = new StreamingJob(config);
        boolean drained = false;
        try {
            job.start();
            awaitCommittedToLogEnd(
                    names.group(), names.topic(), partitions, Duration.ofSeconds(180), () -> job.failure() == null);
            drained = true;
        } finally {
            job.stop(drained);
        }
    }

    /** Polls until {@code job} has failed, and fails the test if it has not within {@code timeout}. */
    public static void awaitFailure(StreamingJob job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (job.failure() == null) {
            assertThat(System.nanoTime())
                    .as("the job failed within %d s", timeout.toSeconds())
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** As {@link #jobConfig(Names)}, for a topic, group and dead-letter topic named apart. */
    public JobConfig jobConfig(String topic, String group, String dlq) {
        return JobConfig.defaults(stack.bootstrapServers())
                .with(JobSettings.TOPIC, topic)
                .with(JobSettings.GROUP_ID, group)
                .with(JobSettings.DLQ_TOPIC, dlq)
                .with(JobSettings.CACHE_SIZE, 100_000L)
                .withHbaseProperties(stack.hbaseSettings());
    }

    public void topics(String topic, int partitions, String dlq) throws Exception {
        try (var admin = kafkaAdmin()) {
            TopicAdmin.createAndAwait(admin, topic, partitions, (short) 1, Duration.ofSeconds(30));
            TopicAdmin.createDeadLetterTopicAndAwait(admin, dlq, 1, (short) 1, Duration.ofSeconds(30));
        }
    }

    /**
     * A scenario whose records are all in Kafka before its job starts: {@link #prepare} with the generator's persons
     * and companies, then {@code count} records produced at 20,000 a second, every one acknowledged.
     */
    public StormProducer.Summary preparedWithRecords(Names names, int partitions, GeneratorConfig generator, long count)
            throws Exception {
        prepare(names, partitions, generator.persons(), generator.companies());
        StormProducer.Summary summary = produce(names.topic(), generator, count, 20_000);
        assertThat(summary.acked()).as("records the broker acknowledged").isEqualTo(count);
        return summary;
    }

    /**
     * What a producer run of {@code count} records of {@code config} in another process (bin/cardstream produce)
     * sent, every record acknowledged: the counts {@link #assertEveryRecordAccountedFor} needs.
     */
    public static StormProducer.Summary sentByAnotherProcess(GeneratorConfig config, long count) {
        TransactionGenerator generator = new TransactionGenerator(config);
        long valid = 0;
        for (long i = 0; i < count; i++) {
            if (generator.generate(i).isValid()) {
                valid++;
            }
        }
        return new StormProducer.Summary(count, valid, count - valid, 0, count, 0, 0, 0, null);
    }

    public StormProducer.Summary produce(String topic, GeneratorConfig config, long count, double rate) {
        try (var producer =
                new KafkaProducer<byte[], byte[]>(StormProducer.kafkaProperties(stack.bootstrapServers(), Map.of()))) {
            return new StormProducer(producer, topic, new TransactionGenerator(config), RateSchedule.steady(rate))
                    .run(0, count, null, () -> false, p -> {});
        }
    }

    public Map<TopicPartition, Long> logEnd(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try (var admin = kafkaAdmin()) {
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    public Map<TopicPartition, Long> committed(String group) throws Exception {
        try (var admin = kafkaAdmin()) {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** The sum of the group's committed offsets over all partitions. */
    public long committedTotal(String group) throws Exception {
        return committed(group).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Polls until the group committed at least {@code total} records in all, while {@code running} holds. */
    public void awaitCommittedAtLeast(String group, long total, Duration timeout, BooleanSupplier running)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committedTotal(group) < total) {
            assertThat(running.getAsBoolean())
                    .as("the job still runs while %s commits %d records", group, total)
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("%s committed %d records within %s", group, total, timeout)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Polls until the group's committed offsets are the log end, while {@code running} holds; asserts it. */
    public void awaitCommittedToLogEnd(
            String group, String topic, int partitions, Duration timeout, BooleanSupplier running) throws Exception {
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
    public long countRows(String txIdPrefix) throws IOException {
        long rows = 0;
        try (Connection c = HBaseConnections.open(hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName());
                ResultScanner scanner = table.getScanner(new Scan().setCaching(5_000))) {
            for (Result r : scanner) {
                if (RowKeys.txIdOf(Bytes.toString(r.getRow())).startsWith(txIdPrefix)) {
                    rows++;
                }
            }
        }
        return rows;
    }

    /**
     * Asserts where the {@code count} records of {@code config} that {@code summary} sent to {@code topic} ended
     * up: every valid transaction in tx_enriched exactly once, with the right names, amount and status; every
     * invalid record in {@code dlq} exactly once, untouched, with its reason and its own source position.
     */
    public void assertEveryRecordAccountedFor(
            GeneratorConfig config, long count, StormProducer.Summary summary, String topic, String dlq)
            throws IOException {
        assertEveryValidStored(config, count, summary.valid());
        assertEveryInvalidDeadLettered(summary.invalid(), topic, dlq);
    }

    /**
     * Asserts that the {@code valid} valid transactions among the first {@code count} records of {@code config} are
     * in tx_enriched exactly once, with the right names, amount and status (rows of other runs are passed over).
     */
    public void assertEveryValidStored(GeneratorConfig config, long count, long valid) throws IOException {
        assertEveryValidStored(config, count, valid, Schema.TX_ENRICHED.tableName());
    }

    /** {@link #assertEveryValidStored(GeneratorConfig, long, long)} in {@code txTable}, of either row layout. */
    public void assertEveryValidStored(GeneratorConfig config, long count, long valid, TableName txTable)
            throws IOException {
        TransactionGenerator generator = new TransactionGenerator(config);
        NameGenerator names = new NameGenerator(NAME_SEED);
        Map<String, GeneratedRecord> expected = new HashMap<>();
        for (long i = 0; i < count; i++) {
            GeneratedRecord r = generator.generate(i);
            if (r.isValid()) {
                expected.put(RowKeys.txEnriched(r.transaction().txId()), r);
            }
        }
        Set<String> seen = new HashSet<>();
        try (Connection c = HBaseConnections.open(hbase());
                Table table = c.getTable(txTable);
                ResultScanner scanner = table.getScanner(new Scan().setCaching(5_000))) {
            for (Result row : scanner) {
                String key = Bytes.toString(row.getRow());
                GeneratedRecord r = expected.get(key);
                if (r == null) {
                    continue; // a row of another run
                }
                assertThat(seen.add(key)).isTrue();
                String personId = r.transaction().personId();
                String companyId = r.transaction().companyId();
                Map<String, String> want = new HashMap<>();
                want.put("person_id", personId);
                want.put("amount", r.transaction().amount().toPlainString());
                want.put(
                        "person_name",
                        r.unknownPerson()
                                ? null
                                : names.person(Long.parseLong(personId.substring(1)))
                                        .name());
                want.put(
                        "company_name",
                        r.unknownCompany()
                                ? null
                                : names.company(Long.parseLong(companyId.substring(1)))
                                        .name());
                want.put(
                        "enrich_status",
                        EnrichStatus.of(!r.unknownPerson(), !r.unknownCompany()).name());
                want.forEach((column, value) -> assertThat(TxRow.read(row).get(column))
                        .as("%s of %s", column, key)
                        .isEqualTo(value));
            }
        }
        assertThat(seen)
                .as("valid transactions in tx_enriched")
                .hasSize(expected.size())
                .hasSize((int) valid);
    }

    /**
     * Asserts that {@code dlq} holds exactly {@code invalid} letters, one per source position, each the untouched
     * record of {@code topic} with the reason its bytes give.
     */
    public void assertEveryInvalidDeadLettered(long invalid, String topic, String dlq) {
        List<ConsumerRecord<byte[], byte[]>> letters = consume(dlq, (int) invalid);
        assertThat(letters).as("records in %s", dlq).hasSize((int) invalid);
        TransactionCodec codec = TransactionCodec.create();
        Set<String> positions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            DecodeResult.Invalid again = (DecodeResult.Invalid) codec.decode(letter.value());
            assertThat(header(letter, Topics.HEADER_ERROR_REASON))
                    .startsWith(again.reason().name() + ": ");
            assertThat(header(letter, Topics.HEADER_SOURCE_TOPIC)).isEqualTo(topic);
            positions.add(
                    header(letter, Topics.HEADER_SOURCE_PARTITION) + "@" + header(letter, Topics.HEADER_SOURCE_OFFSET));
        }
        assertThat(positions).as("distinct source positions in %s", dlq).hasSize(letters.size());
    }

    /** Reads {@code topic} from the start until {@code expected} records arrived (60 s at most), plus one more poll. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        return TopicAdmin.readFromStart(stack.bootstrapServers(), topic, expected, Duration.ofSeconds(60));
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static String txIdPrefix(GeneratorConfig config) {
        return new TransactionGenerator(config).generate(0).transaction().txId().substring(0, 12);
    }

    private org.apache.kafka.clients.admin.Admin kafkaAdmin() {
        return org.apache.kafka.clients.admin.Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }
}
