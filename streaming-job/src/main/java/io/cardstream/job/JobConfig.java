package io.cardstream.job;

import static io.cardstream.job.JobSettings.*;

import io.cardstream.core.settings.Setting;
import io.cardstream.core.settings.Values;
import io.cardstream.schema.RowLayout;
import java.io.Serial;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the job needs, typed and validated once, at start: a bad value fails here with a message naming the
 * setting (its command-line and properties-file key) and its allowed range. The settings themselves are defined in
 * {@link JobSettings}; this holds their values and the Kafka and HBase passthrough properties. Serializable because
 * executors get a copy inside the partition function; it holds no secrets other than the passthrough properties,
 * which {@link #describe()} masks.
 *
 * <p>Built by {@link JobCommand} from the command line and a properties file, or in code from {@link
 * #defaults(String)} and the withers: {@code JobConfig.defaults(servers).with(JobSettings.BATCH_INTERVAL_MS, 500L)}.
 */
public record JobConfig(Values values, Map<String, String> kafkaProperties, Map<String, String> hbaseProperties)
        implements Serializable {

    @Serial
    private static final long serialVersionUID = 2L;

    /** A passthrough key holding any of these, or ending in ".key" (an inline PEM private key), is a secret. */
    private static final Set<String> SECRET_WORDS =
            Set.of("password", "secret", "jaas", "token", "credential", "keytab", "private", "passphrase");

    /**
     * @param values the settings of {@link JobSettings}, validated each
     * @param kafkaProperties extra Kafka client properties (consumer and dead-letter producer), e.g. SASL/SSL
     * @param hbaseProperties extra HBase client properties, e.g. hbase.zookeeper.quorum
     */
    public JobConfig {
        Objects.requireNonNull(values);
        if (values.get(DLQ_TOPIC).equals(values.get(TOPIC))) {
            throw new IllegalArgumentException("Invalid setting dlq-topic: it must not be empty nor the input topic;"
                    + " got '" + values.get(DLQ_TOPIC) + "'.");
        }
        checkKafkaProperties(kafkaProperties);
        kafkaProperties = Map.copyOf(kafkaProperties);
        hbaseProperties = Map.copyOf(hbaseProperties);
    }

    /** Every setting at its default, Kafka at {@code bootstrapServers}, no passthrough properties. */
    public static JobConfig defaults(String bootstrapServers) {
        return new JobConfig(JobSettings.ALL.defaults().with(BOOTSTRAP_SERVERS, bootstrapServers), Map.of(), Map.of());
    }

    /**
     * The configuration {@code raw} describes: values by setting name (the keys that name no setting, such as a
     * properties file's passthrough keys, are left for the caller), the rest by default.
     */
    public static JobConfig from(
            Map<String, String> raw, Map<String, String> kafkaProperties, Map<String, String> hbaseProperties) {
        return new JobConfig(
                JobSettings.ALL.resolve(JobSettings.ALL.settingsOf(raw)), kafkaProperties, hbaseProperties);
    }

    /** This configuration with {@code setting} at {@code value}, checked against its rule. */
    public <T> JobConfig with(Setting<T> setting, T value) {
        return new JobConfig(values.with(setting, value), kafkaProperties, hbaseProperties);
    }

    /** This configuration with these Kafka client properties instead of its own. */
    public JobConfig withKafkaProperties(Map<String, String> properties) {
        return new JobConfig(values, properties, hbaseProperties);
    }

    /** This configuration with these HBase client properties instead of its own. */
    public JobConfig withHbaseProperties(Map<String, String> properties) {
        return new JobConfig(values, kafkaProperties, properties);
    }

    /** This configuration with another {@code kafka-timeout-seconds}. */
    public JobConfig withKafkaTimeoutSeconds(long seconds) {
        return with(KAFKA_TIMEOUT_SECONDS, seconds);
    }

    /** This configuration with another Spark master (used when spark-submit sets none). */
    public JobConfig withMaster(String sparkMaster) {
        return with(MASTER, sparkMaster);
    }

    /** This configuration with another {@code resume-after-data-loss}. */
    public JobConfig withResumeAfterDataLoss(boolean resume) {
        return with(RESUME_AFTER_DATA_LOSS, resume);
    }

    public <T> T get(Setting<T> setting) {
        return values.get(setting);
    }

    public String bootstrapServers() {
        return values.get(BOOTSTRAP_SERVERS);
    }

    public String topic() {
        return values.get(TOPIC);
    }

    public String groupId() {
        return values.get(GROUP_ID);
    }

    public String deadLetterTopic() {
        return values.get(DLQ_TOPIC);
    }

    public long batchIntervalMs() {
        return values.get(BATCH_INTERVAL_MS);
    }

    public long maxRatePerPartition() {
        return values.get(MAX_RATE_PER_PARTITION);
    }

    public boolean backpressure() {
        return values.get(BACKPRESSURE);
    }

    public long initialRate() {
        return values.get(INITIAL_RATE);
    }

    public long minRate() {
        return values.get(MIN_RATE);
    }

    public String startingOffsets() {
        return values.get(STARTING_OFFSETS).toLowerCase(Locale.ROOT);
    }

    public String master() {
        return values.get(MASTER);
    }

    public String personTable() {
        return values.get(PERSON_TABLE);
    }

    public String companyTable() {
        return values.get(COMPANY_TABLE);
    }

    public String txTable() {
        return values.get(TX_TABLE);
    }

    public String metricsTable() {
        return values.get(METRICS_TABLE);
    }

    public RowLayout rowLayout() {
        return RowLayout.of(values.get(ROW_LAYOUT));
    }

    public long cacheSize() {
        return values.get(CACHE_SIZE);
    }

    public long cacheTtlSeconds() {
        return values.get(CACHE_TTL_SECONDS);
    }

    public long writeBufferBytes() {
        return values.get(WRITE_BUFFER_BYTES);
    }

    public long stopStallSeconds() {
        return values.get(STOP_STALL_SECONDS);
    }

    public long kafkaTimeoutSeconds() {
        return values.get(KAFKA_TIMEOUT_SECONDS);
    }

    public boolean resumeAfterDataLoss() {
        return values.get(RESUME_AFTER_DATA_LOSS);
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

    /** Whether the user chose to read records of open and aborted transactions (and so store aborted ones). */
    public boolean readsUncommitted() {
        return "read_uncommitted".equals(kafkaProperties.get("isolation.level"));
    }

    /** The effective configuration for the start-up log line: every setting, passthrough secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>(JobSettings.ALL.describe(values));
        d.put(STARTING_OFFSETS.name(), startingOffsets());
        new TreeMap<>(kafkaProperties).forEach((k, v) -> d.put("kafka-prop " + k, mask(k, v)));
        new TreeMap<>(hbaseProperties).forEach((k, v) -> d.put("hbase-conf " + k, mask(k, v)));
        return d;
    }

    /** Masked: a configuration is logged and shown, never its secrets. */
    @Override
    public String toString() {
        return "JobConfig" + describe();
    }

    static String mask(String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith(".key") || SECRET_WORDS.stream().anyMatch(k::contains) ? "********" : value;
    }
}
