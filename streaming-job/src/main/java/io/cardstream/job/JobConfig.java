package io.cardstream.job;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the job needs, typed and validated once, at start: a bad value fails here with a message naming the
 * setting (its command-line and properties-file key) and its allowed range. Serializable because executors get a
 * copy inside the partition function; it holds no secrets other than the Kafka and HBase passthrough properties,
 * which {@link #describe()} masks.
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param topic               the topic of transactions
 * @param groupId             the consumer group whose committed offsets are the job's progress
 * @param deadLetterTopic     where invalid records go, original bytes untouched
 * @param batchIntervalMs     the micro-batch interval, in milliseconds
 * @param maxRatePerPartition records a second per partition at most (spark.streaming.kafka.maxRatePerPartition)
 * @param backpressure        whether Spark's backpressure adapts the rate to the processing time
 * @param initialRate         backpressure's rate for the first batches, before it has estimates
 * @param minRate             backpressure's floor, records a second for the whole stream; 0 leaves Spark's (100)
 * @param startingOffsets     where to start when the group has no commit: earliest or latest
 * @param master              the Spark master when spark-submit did not set one
 * @param personTable         HBase table of persons (namespace:name)
 * @param companyTable        HBase table of companies
 * @param txTable             HBase table of enriched transactions
 * @param metricsTable        HBase table of batch metrics
 * @param cacheSize           dimension rows an executor keeps (persons and companies together)
 * @param cacheTtlSeconds     how long a cached dimension row lives, so updates in HBase show up
 * @param writeBufferBytes    the BufferedMutator's write buffer
 * @param stopStallSeconds    how long a graceful stop waits for the next batch to finish before it stops now
 * @param kafkaTimeoutSeconds how long Kafka may be unreachable (no batch, no answer, or a range read that does not
 *                            move) before the job fails, naming the brokers
 * @param resumeAfterDataLoss whether a start whose committed offsets are below the log start (the records between
 *                            were deleted unread) resumes from the log start, logging the loss, instead of failing
 * @param kafkaProperties     extra Kafka client properties (consumer and DLQ producer), e.g. SASL/SSL
 * @param hbaseProperties     extra HBase client properties, e.g. hbase.zookeeper.quorum
 */
public record JobConfig(
        String bootstrapServers,
        String topic,
        String groupId,
        String deadLetterTopic,
        long batchIntervalMs,
        long maxRatePerPartition,
        boolean backpressure,
        long initialRate,
        long minRate,
        String startingOffsets,
        String master,
        String personTable,
        String companyTable,
        String txTable,
        String metricsTable,
        long cacheSize,
        long cacheTtlSeconds,
        long writeBufferBytes,
        long stopStallSeconds,
        long kafkaTimeoutSeconds,
        boolean resumeAfterDataLoss,
        Map<String, String> kafkaProperties,
        Map<String, String> hbaseProperties)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Set<String> SECRET_WORDS =
            Set.of("password", "secret", "jaas", "token", "credential", "keytab", "key.password", "sasl.jaas");

    public JobConfig {
        require(
                bootstrapServers != null && !bootstrapServers.isBlank(),
                "bootstrap-servers",
                "must not be empty",
                bootstrapServers);
        require(topic != null && !topic.isBlank(), "topic", "must not be empty", topic);
        require(groupId != null && !groupId.isBlank(), "group-id", "must not be empty", groupId);
        require(
                deadLetterTopic != null && !deadLetterTopic.isBlank() && !deadLetterTopic.equals(topic),
                "dlq-topic",
                "must not be empty nor the input topic",
                deadLetterTopic);
        require(
                batchIntervalMs >= 100 && batchIntervalMs <= 600_000,
                "batch-interval-ms",
                "must be between 100 and 600000",
                batchIntervalMs);
        require(maxRatePerPartition >= 0, "max-rate-per-partition", "must be 0 (no cap) or more", maxRatePerPartition);
        require(initialRate >= 0, "initial-rate", "must be 0 (unset) or more", initialRate);
        require(minRate >= 0, "min-rate", "must be 0 (unset) or more", minRate);
        startingOffsets = startingOffsets == null ? "" : startingOffsets.toLowerCase(Locale.ROOT);
        require(
                startingOffsets.equals("earliest") || startingOffsets.equals("latest"),
                "starting-offsets",
                "must be earliest or latest",
                startingOffsets);
        require(master != null && !master.isBlank(), "master", "must not be empty", master);
        for (String[] table : new String[][] {
            {"person-table", personTable},
            {"company-table", companyTable},
            {"tx-table", txTable},
            {"metrics-table", metricsTable}
        }) {
            require(
                    table[1] != null && table[1].matches("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?"),
                    table[0],
                    "must be a table name, namespace:name",
                    table[1]);
        }
        require(cacheSize >= 0 && cacheSize <= 100_000_000, "cache-size", "must be between 0 and 100000000", cacheSize);
        require(
                cacheTtlSeconds >= 1 && cacheTtlSeconds <= 86_400,
                "cache-ttl-seconds",
                "must be between 1 and 86400",
                cacheTtlSeconds);
        require(
                writeBufferBytes >= 64 * 1024 && writeBufferBytes <= 256L * 1024 * 1024,
                "write-buffer-bytes",
                "must be between 65536 and 268435456",
                writeBufferBytes);
        require(
                stopStallSeconds >= 1 && stopStallSeconds <= 3_600,
                "stop-stall-seconds",
                "must be between 1 and 3600",
                stopStallSeconds);
        require(
                kafkaTimeoutSeconds >= 10 && kafkaTimeoutSeconds <= 86_400,
                "kafka-timeout-seconds",
                "must be between 10 and 86400",
                kafkaTimeoutSeconds);
        checkKafkaProperties(kafkaProperties);
        kafkaProperties = Map.copyOf(kafkaProperties);
        hbaseProperties = Map.copyOf(hbaseProperties);
    }

    /**
     * Refuses the Kafka client settings the job must own to keep its guarantee, or that it would otherwise override
     * without a word; warns about reading uncommitted records.
     */
    private static void checkKafkaProperties(Map<String, String> props) {
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put("bootstrap.servers", "use bootstrap-servers");
        owned.put("group.id", "use group-id");
        owned.put("auto.offset.reset", "use starting-offsets (and resume-after-data-loss for a lost range)");
        owned.put("key.deserializer", "the job reads bytes");
        owned.put("value.deserializer", "the job reads bytes");
        owned.put("key.serializer", "the job writes dead letters as bytes");
        owned.put("value.serializer", "the job writes dead letters as bytes");
        owned.put("transactional.id", "the job gives each partition's dead-letter producer its own");
        for (Map.Entry<String, String> e : owned.entrySet()) {
            if (props.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "Invalid setting kafka-prop " + e.getKey() + ": the job sets it (" + e.getValue() + ").");
            }
        }
        String autoCommit = props.get("enable.auto.commit");
        if (autoCommit != null && !autoCommit.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Invalid setting kafka-prop enable.auto.commit: it must be false (or"
                    + " unset); the job commits its offsets in the transaction of each partition's dead letters, after"
                    + " its rows are written, and an automatic commit could skip records that were never stored;"
                    + " got '" + autoCommit + "'.");
        }
        String acks = props.get("acks");
        if (acks != null && !acks.trim().equals("all") && !acks.trim().equals("-1")) {
            throw new IllegalArgumentException("Invalid setting kafka-prop acks: the dead-letter producer is"
                    + " transactional and needs acks=all; got '" + acks + "'.");
        }
        String idempotence = props.get("enable.idempotence");
        if (idempotence != null && !idempotence.trim().equalsIgnoreCase("true")) {
            throw new IllegalArgumentException("Invalid setting kafka-prop enable.idempotence: the dead-letter"
                    + " producer is transactional and needs it; got '" + idempotence + "'.");
        }
        String isolation = props.get("isolation.level");
        if (isolation != null && !isolation.equals("read_committed") && !isolation.equals("read_uncommitted")) {
            throw new IllegalArgumentException("Invalid setting kafka-prop isolation.level: it must be read_committed"
                    + " (the default) or read_uncommitted; got '" + isolation + "'.");
        }
    }

    /** This configuration with another {@code kafka-timeout-seconds}. */
    public JobConfig withKafkaTimeoutSeconds(long seconds) {
        return new JobConfig(
                bootstrapServers,
                topic,
                groupId,
                deadLetterTopic,
                batchIntervalMs,
                maxRatePerPartition,
                backpressure,
                initialRate,
                minRate,
                startingOffsets,
                master,
                personTable,
                companyTable,
                txTable,
                metricsTable,
                cacheSize,
                cacheTtlSeconds,
                writeBufferBytes,
                stopStallSeconds,
                seconds,
                resumeAfterDataLoss,
                kafkaProperties,
                hbaseProperties);
    }

    /** This configuration with another Spark master (used when spark-submit sets none). */
    public JobConfig withMaster(String sparkMaster) {
        return new JobConfig(
                bootstrapServers,
                topic,
                groupId,
                deadLetterTopic,
                batchIntervalMs,
                maxRatePerPartition,
                backpressure,
                initialRate,
                minRate,
                startingOffsets,
                sparkMaster,
                personTable,
                companyTable,
                txTable,
                metricsTable,
                cacheSize,
                cacheTtlSeconds,
                writeBufferBytes,
                stopStallSeconds,
                kafkaTimeoutSeconds,
                resumeAfterDataLoss,
                kafkaProperties,
                hbaseProperties);
    }

    /** This configuration with another {@code resume-after-data-loss}. */
    public JobConfig withResumeAfterDataLoss(boolean resume) {
        return new JobConfig(
                bootstrapServers,
                topic,
                groupId,
                deadLetterTopic,
                batchIntervalMs,
                maxRatePerPartition,
                backpressure,
                initialRate,
                minRate,
                startingOffsets,
                master,
                personTable,
                companyTable,
                txTable,
                metricsTable,
                cacheSize,
                cacheTtlSeconds,
                writeBufferBytes,
                stopStallSeconds,
                kafkaTimeoutSeconds,
                resume,
                kafkaProperties,
                hbaseProperties);
    }

    /** Whether the user chose to read records of open and aborted transactions (and so store aborted ones). */
    public boolean readsUncommitted() {
        return "read_uncommitted".equals(kafkaProperties.get("isolation.level"));
    }

    private static void require(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid setting " + key + ": it " + rule + "; got '" + value + "'.");
        }
    }

    /** The effective configuration for the start-up log line: every setting, passthrough secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("bootstrap-servers", bootstrapServers);
        d.put("topic", topic);
        d.put("group-id", groupId);
        d.put("dlq-topic", deadLetterTopic);
        d.put("batch-interval-ms", Long.toString(batchIntervalMs));
        d.put("max-rate-per-partition", Long.toString(maxRatePerPartition));
        d.put("backpressure", Boolean.toString(backpressure));
        d.put("initial-rate", Long.toString(initialRate));
        d.put("min-rate", Long.toString(minRate));
        d.put("starting-offsets", startingOffsets);
        d.put("master", master);
        d.put("person-table", personTable);
        d.put("company-table", companyTable);
        d.put("tx-table", txTable);
        d.put("metrics-table", metricsTable);
        d.put("cache-size", Long.toString(cacheSize));
        d.put("cache-ttl-seconds", Long.toString(cacheTtlSeconds));
        d.put("write-buffer-bytes", Long.toString(writeBufferBytes));
        d.put("stop-stall-seconds", Long.toString(stopStallSeconds));
        d.put("kafka-timeout-seconds", Long.toString(kafkaTimeoutSeconds));
        d.put("resume-after-data-loss", Boolean.toString(resumeAfterDataLoss));
        new TreeMap<>(kafkaProperties).forEach((k, v) -> d.put("kafka-prop " + k, mask(k, v)));
        new TreeMap<>(hbaseProperties).forEach((k, v) -> d.put("hbase-conf " + k, mask(k, v)));
        return d;
    }

    static String mask(String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains) ? "********" : value;
    }
}
