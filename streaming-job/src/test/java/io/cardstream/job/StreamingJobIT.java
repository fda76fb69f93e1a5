package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cardstream.core.Topics;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TopicAdmin;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job end to end against a real broker and a real HBase, Spark local[2]: every valid transaction stored once
 * with the right names, every invalid one dead-lettered with its reason and position, the counts reconciled, and
 * the group's committed offsets at the log end.
 */
class StreamingJobIT {

    private static final int PERSONS = 20_000;
    private static final int COMPANIES = 2_000;
    private static final long NAME_SEED = JobFixture.NAME_SEED;

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    private static final JobFixture FIXTURE = new JobFixture(STACK);

    @BeforeAll
    static void schemaAndDimensions() throws Exception {
        FIXTURE.schemaAndDimensions(PERSONS, COMPANIES);
    }

    /**
     * Also the job's metrics in Spark's metrics system: with {@code conf/metrics.properties} (the Prometheus servlet)
     * the driver's UI serves the job's counters, and each equals the {@code batch_metrics} totals of the run.
     */
    @Test
    void storesEveryValidTransactionOnceAndDeadLettersEveryInvalidOne() throws Exception {
        Map<String, Long> scraped = new java.util.TreeMap<>();
        Map<String, Long> rows = new java.util.TreeMap<>();
        long since = System.currentTimeMillis();
        Map<String, String> spark = Map.of(
                "spark.ui.enabled", "true",
                "spark.ui.port", "0",
                "spark.metrics.conf",
                        JobProcess.repositoryRoot()
                                .resolve("conf/metrics.properties")
                                .toString(),
                "spark.metrics.namespace", "cardstream");
        Run run = runJob("tx-200k", "dlq-200k", "group-200k", 1000, 2026, 200_000, 50_000, c -> c, spark, job -> {
            String url = job.uiUrl().orElseThrow() + "/metrics/prometheus/";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // a batch's row and its counters come just after its commit, and empty batches keep coming: poll until
            // a scrape and the rows written by then agree
            do {
                scraped.clear();
                scraped.putAll(PrometheusText.counters(url, "metrics_cardstream_driver_cardstream_"));
                rows.clear();
                rows.putAll(metricsColumnTotals(since));
                TimeUnit.MILLISECONDS.sleep(200);
            } while (!(scraped.equals(rows) && scraped.getOrDefault("records", 0L) == 200_000)
                    && System.nanoTime() < deadline);
        });

        // the counters as Prometheus scraped them, against the metrics rows' totals of the same batches
        assertThat(scraped)
                .as("counters scraped from the driver's /metrics/prometheus/, against the batch_metrics rows")
                .isEqualTo(rows)
                .containsEntry("records", 200_000L)
                .containsEntry("enriched", run.summary.valid())
                .containsEntry("dead_lettered", run.summary.invalid())
                .containsKeys("missing_dimensions", "repeated_tx_ids", "batches");
        assertThat(rows.get("missing_dimensions"))
                .as("missing dimensions in the run")
                .isPositive();

        assertThat(run.summary.sent()).isEqualTo(200_000);
        assertThat(run.summary.invalid()).isBetween(1_500L, 2_500L);
        assertThat(run.summary.unknownDimensions()).isBetween(1_500L, 2_500L);

        FIXTURE.assertEveryRecordAccountedFor(run.generatorConfig, 200_000, run.summary, "tx-200k", "dlq-200k");

        // consumed = enriched + dead-lettered, batch by batch, as the metrics rows say (after the job's stop)
        assertThat(metricsColumnTotals(run.startedAt))
                .containsEntry("records", 200_000L)
                .containsEntry("enriched", run.summary.valid())
                .containsEntry("dead_lettered", run.summary.invalid());
    }

    /** Half-second batches, into a table of the wide row layout (one made before the layout mark). */
    @Test
    void runsAtHalfSecondBatchesIntoAWideTable() throws Exception {
        TableName wide = TableName.valueOf("cardstream:tx_wide");
        try (Connection c = ConnectionFactory.createConnection(hbaseConf());
                org.apache.hadoop.hbase.client.Admin admin = c.getAdmin()) {
            TableDescriptor packed = admin.getDescriptor(Schema.TX_ENRICHED.tableName());
            admin.createTable(
                    TableDescriptorBuilder.newBuilder(TableDescriptorBuilder.copy(wide, packed))
                            .removeValue(Bytes.toBytes(RowLayout.TABLE_KEY))
                            .build(),
                    Schema.TX_ENRICHED.splitKeys());
        }
        Run run = runJob(
                "tx-500ms",
                "dlq-500ms",
                "group-500ms",
                500,
                77,
                30_000,
                10_000,
                c -> c.with(JobSettings.TX_TABLE, wide.getNameAsString())
                        .with(JobSettings.ROW_LAYOUT, RowLayout.WIDE.id()),
                Map.of(),
                job -> {});
        FIXTURE.assertEveryValidStored(run.generatorConfig, 30_000, run.summary.valid(), wide);
        try (Connection c = ConnectionFactory.createConnection(hbaseConf());
                Table table = c.getTable(wide);
                ResultScanner scanner = table.getScanner(new Scan().setLimit(100))) {
            for (Result row : scanner) {
                assertThat(row.size()).as("cells of a wide row").isBetween(9, 11);
                assertThat(row.getValue(Schema.TX_ENRICHED.familyBytes(), Bytes.toBytes(TxRow.PACKED_QUALIFIER)))
                        .isNull();
            }
        }
        List<Long> batchTimes = new ArrayList<>();
        try (Connection c = ConnectionFactory.createConnection(hbaseConf());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan())) {
            for (Result row : scanner) {
                long batchTime = Long.parseLong(metric(row, "batch_time"));
                if (batchTime >= run.startedAt) {
                    batchTimes.add(batchTime);
                }
            }
        }
        assertThat(batchTimes.size()).isGreaterThan(5);
        Set<Long> gaps = new HashSet<>();
        for (int i = 1; i < batchTimes.size(); i++) {
            gaps.add(batchTimes.get(i - 1) - batchTimes.get(i));
        }
        // newest first; consecutive batches of this job are 500 ms apart (the other test's job is stopped)
        assertThat(gaps).contains(500L);
        assertThat(gaps.stream().filter(g -> g % 500 != 0)).isEmpty();
        assertThat(metricsColumnTotals(run.startedAt)).containsEntry("records", 30_000L);
    }

    @Test
    void carriesOnWhenAnotherExecutorFencedItsDeadLetterProducers() throws Exception {
        JobFixture.Names run = JobFixture.Names.of("fenced");
        FIXTURE.topics(run.topic(), 2, run.dlq());
        JobConfig config = FIXTURE.jobConfig(run, 10_000L).with(JobSettings.BATCH_INTERVAL_MS, 500L);
        GeneratorConfig before = new GeneratorConfig(61, PERSONS, COMPANIES, 0, 0.02, 0);
        GeneratorConfig after = new GeneratorConfig(62, PERSONS, COMPANIES, 0, 0.02, 0);
        StreamingJob job = new StreamingJob(config);
        StormProducer.Summary first;
        StormProducer.Summary second;
        boolean passed = false;
        try {
            job.start();
            first = FIXTURE.produce(run.topic(), before, 10_000, 5_000);
            FIXTURE.awaitCommittedToLogEnd(
                    run.group(), run.topic(), 2, Duration.ofSeconds(120), () -> job.failure() == null);
            // what an executor does when a partition moves to it: a producer of the partition's transactional id
            for (int p = 0; p < 2; p++) {
                Map<String, Object> props = Map.of(
                        "bootstrap.servers",
                        STACK.bootstrapServers(),
                        "transactional.id",
                        ExecutorResources.transactionalId(config, new TopicPartition(run.topic(), p)),
                        "key.serializer",
                        ByteArraySerializer.class,
                        "value.serializer",
                        ByteArraySerializer.class);
                try (KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(props)) {
                    other.initTransactions();
                }
            }
            second = FIXTURE.produce(run.topic(), after, 10_000, 5_000);
            FIXTURE.awaitCommittedToLogEnd(
                    run.group(), run.topic(), 2, Duration.ofSeconds(120), () -> job.failure() == null);
            passed = true;
        } finally {
            job.stop(passed);
        }
        assertThat(job.failure()).isNull();
        assertThat(ExecutorResources.openInThisJvm())
                .as("the local executor's producers and connection, closed with" + " the job")
                .isFalse();
        assertThat(FIXTURE.countRows(JobFixture.txIdPrefix(before))).isEqualTo(first.valid());
        assertThat(FIXTURE.countRows(JobFixture.txIdPrefix(after))).isEqualTo(second.valid());
        long invalid = first.invalid() + second.invalid();
        var letters = FIXTURE.consume(run.dlq(), (int) invalid);
        assertThat(letters).as("dead letters").hasSize((int) invalid);
        Set<String> positions = new HashSet<>();
        for (var letter : letters) {
            positions.add(JobFixture.header(letter, Topics.HEADER_SOURCE_PARTITION) + "@"
                    + JobFixture.header(letter, Topics.HEADER_SOURCE_OFFSET));
        }
        assertThat(positions).as("dead letters, each once").hasSize((int) invalid);
    }

    @Test
    void refusesToStartWhenATopicOrTableIsMissingNamingTheSetting() throws Exception {
        FIXTURE.topics("present-tx", 1, "present-dlq");
        JobConfig present = FIXTURE.jobConfig("present-tx", "g", "present-dlq");
        JobConfig missingDlq = present.with(JobSettings.DLQ_TOPIC, "absent-dlq");
        assertThatThrownBy(() -> new StreamingJob(missingDlq).start())
                .hasMessageContaining("dlq-topic")
                .hasMessageContaining("absent-dlq");
        JobConfig missingTable = present.with(JobSettings.TX_TABLE, "cardstream:no_such_table");
        assertThatThrownBy(() -> new StreamingJob(missingTable).start())
                .hasMessageContaining("tx-table")
                .hasMessageContaining("schema create");
        JobConfig otherLayout = present.with(JobSettings.ROW_LAYOUT, RowLayout.WIDE.id());
        assertThatThrownBy(() -> new StreamingJob(otherLayout).start())
                .hasMessageStartingWith("Invalid setting row-layout: it is wide, but the table cardstream:tx_enriched"
                        + " was created for the packed layout")
                .hasMessageContaining("--row-layout packed");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", STACK.bootstrapServers()))) {
            TopicAdmin.createAndAwait(
                    admin,
                    "tiny-dlq",
                    1,
                    (short) 1,
                    Map.of(Topics.MAX_MESSAGE_BYTES, "100000"),
                    Duration.ofSeconds(30));
        }
        JobConfig tooSmallDlq = present.with(JobSettings.DLQ_TOPIC, "tiny-dlq");
        assertThatThrownBy(() -> new StreamingJob(tooSmallDlq).start())
                .hasMessageContaining("dlq-topic")
                .hasMessageContaining("max.message.bytes")
                .hasMessageContaining("tiny-dlq");
    }

    @Test
    void refusesSettingsThatWouldBreakTheGuaranteeNamingThem() {
        JobConfig base = FIXTURE.jobConfig("present-tx", "g", "present-dlq")
                .with(JobSettings.MAX_RATE_PER_PARTITION, 1000L)
                .with(JobSettings.INITIAL_RATE, 1000L);
        for (String[] setting : new String[][] {
            {"enable.auto.commit", "true"},
            {"group.id", "other"},
            {"auto.offset.reset", "latest"},
            {"bootstrap.servers", "elsewhere:9092"},
            {"acks", "1"},
            {"enable.idempotence", "false"},
            {"transactional.id", "mine"},
            {"isolation.level", "dirty"},
            {"value.deserializer", "x"}
        }) {
            assertThatThrownBy(() -> FIXTURE.jobConfig("present-tx", "g", "present-dlq")
                            .with(JobSettings.MAX_RATE_PER_PARTITION, 1000L)
                            .with(JobSettings.INITIAL_RATE, 1000L)
                            .withKafkaProperties(Map.of(setting[0], setting[1])))
                    .as("kafka-prop %s", setting[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid setting kafka-prop " + setting[0] + ":");
        }
        System.setProperty("spark.streaming.concurrentJobs", "2");
        try {
            assertThatThrownBy(() -> new StreamingJob(base).start())
                    .hasMessageStartingWith("Invalid setting spark.streaming.concurrentJobs:");
        } finally {
            System.clearProperty("spark.streaming.concurrentJobs");
        }
    }

    /**
     * Records deleted before the job read them (the job was down longer than the retention): the start fails naming
     * the lost range per partition; with resume-after-data-loss it resumes from the log start and stores what is left.
     */
    @Test
    void aCommittedOffsetBelowTheLogStartFailsTheStartUnlessTheLossIsAccepted() throws Exception {
        JobFixture.Names run = JobFixture.Names.of("retention");
        String topic = run.topic();
        String group = run.group();
        FIXTURE.topics(topic, 2, run.dlq());
        GeneratorConfig generatorConfig = new GeneratorConfig(7_777, PERSONS, COMPANIES, 0.8, 0, 0);
        FIXTURE.produce(topic, generatorConfig, 1_000, 20_000);
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", STACK.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(
                            group,
                            Map.of(
                                    p0,
                                    new OffsetAndMetadata(10),
                                    new TopicPartition(topic, 1),
                                    new OffsetAndMetadata(0)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(100)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        JobConfig config = FIXTURE.jobConfig(run);
        assertThatThrownBy(() -> new StreamingJob(config).start())
                .hasMessageContaining("group " + group)
                .hasMessageContaining("partition 0: offsets 10 to 99 (90 records)")
                .hasMessageNotContaining("partition 1")
                .hasMessageContaining("resume-after-data-loss");

        FIXTURE.runUntilDrained(config.withResumeAfterDataLoss(true), run, 2);
        TransactionGenerator generator = new TransactionGenerator(generatorConfig);
        int stored = 0;
        try (Connection c = ConnectionFactory.createConnection(FIXTURE.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName())) {
            for (int i = 0; i < 1_000; i++) {
                String txId = generator.generate(i).transaction().txId();
                stored += table.exists(new Get(Bytes.toBytes(RowKeys.txEnriched(txId)))) ? 1 : 0;
            }
        }
        assertThat(stored).as("rows of the records left").isEqualTo(1_000 - 100);
    }

    private record Run(GeneratorConfig generatorConfig, StormProducer.Summary summary, long startedAt) {}

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** What a test does with the running job once it has committed every record. */
    @FunctionalInterface
    private interface WhileRunning {
        void accept(StreamingJob job) throws Exception;
    }

    /**
     * Starts the job ({@code spark}: Spark settings for it, as spark-submit's --conf would give them), produces
     * {@code count} records, waits until the group committed the log end, runs {@code drained}, stops it.
     */
    private static Run runJob(
            String topic,
            String dlq,
            String group,
            long intervalMs,
            long seed,
            long count,
            double rate,
            UnaryOperator<JobConfig> more,
            Map<String, String> spark,
            WhileRunning drained)
            throws Exception {
        FIXTURE.topics(topic, 4, dlq);
        JobConfig config =
                more.apply(FIXTURE.jobConfig(topic, group, dlq).with(JobSettings.BATCH_INTERVAL_MS, intervalMs));
        GeneratorConfig generatorConfig = new GeneratorConfig(seed, PERSONS, COMPANIES, 0.8, 0.01, 0.01);
        long startedAt = System.currentTimeMillis();
        StreamingJob job = new StreamingJob(config);
        StormProducer.Summary summary;
        boolean finished = false;
        try {
            withSystemProperties(spark, job::start);
            summary = FIXTURE.produce(topic, generatorConfig, count, rate);
            FIXTURE.awaitCommittedToLogEnd(group, topic, 4, Duration.ofSeconds(180), () -> job.failure() == null);
            drained.accept(job);
            finished = true;
        } finally {
            // after a failure a batch may be stuck on a dead service; a graceful stop would wait for it
            job.stop(finished);
        }
        assertThat(job.failure()).isNull();
        FIXTURE.awaitCommittedToLogEnd(group, topic, 4, Duration.ofSeconds(10), () -> true);
        return new Run(generatorConfig, summary, startedAt);
    }

    /** Runs {@code action} with these system properties set (SparkConf reads spark.* from them), then restores them. */
    private static void withSystemProperties(Map<String, String> properties, Step action) throws Exception {
        Map<String, String> before = new java.util.HashMap<>();
        properties.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
        try {
            action.run();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /**
     * The metrics rows of batches since {@code since}, summed, under the names of the job's metrics source: records,
     * enriched, dead_lettered, missing_dimensions, repeated_tx_ids, and batches (how many rows).
     */
    private static Map<String, Long> metricsColumnTotals(long since) throws Exception {
        Map<String, String> names = Map.of(
                "records", "records",
                "enriched", "enriched",
                "dead_lettered", "dead_lettered",
                "missing_dims", "missing_dimensions",
                "repeated", "repeated_tx_ids");
        Map<String, Long> totals = new java.util.TreeMap<>();
        try (Connection c = ConnectionFactory.createConnection(hbaseConf());
                Table table = c.getTable(Schema.BATCH_METRICS.tableName());
                ResultScanner scanner = table.getScanner(new Scan())) {
            for (Result row : scanner) {
                if (Long.parseLong(metric(row, "batch_time")) >= since) {
                    totals.merge("batches", 1L, Long::sum);
                    names.forEach((column, name) -> totals.merge(name, Long.parseLong(metric(row, column)), Long::sum));
                }
            }
        }
        return totals;
    }

    private static Configuration hbaseConf() {
        return FIXTURE.hbase();
    }

    private static String metric(Result row, String column) {
        byte[] v = row.getValue(
                Schema.BATCH_METRICS.familyBytes(),
                Schema.BATCH_METRICS.column(column).qualifierBytes());
        return v == null ? null : Bytes.toString(v);
    }
}
