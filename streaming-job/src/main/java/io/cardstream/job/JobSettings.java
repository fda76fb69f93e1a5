package io.cardstream.job;

import io.cardstream.core.LocalConnection;
import io.cardstream.core.Topics;
import io.cardstream.core.settings.Setting;
import io.cardstream.core.settings.SettingSet;
import io.cardstream.schema.RowLayout;
import java.util.List;
import java.util.Set;

/**
 * The job's settings, each defined once: name (the {@code --option} and the properties-file key), type, default,
 * rule and documentation. {@link JobCommand}'s options, {@code --config} files, {@link JobConfig}'s validation and
 * its start-up description all come from here.
 */
public final class JobSettings {

    private JobSettings() {}

    private static final String TABLE_NAME = "[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?";

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers")
            .alias("bootstrap-server")
            .label("HOST:PORT,...")
            .byDefault(
                    () -> LocalConnection.setting("bootstrap.servers").orElse("127.0.0.1:9092"),
                    "the running local stack's, else 127.0.0.1:9092")
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Kafka.")
            .build();
    public static final Setting<String> TOPIC = Setting.text("topic")
            .byDefault(Topics.TRANSACTIONS)
            .rule(Setting.notBlank(), "must not be empty")
            .doc("The topic of transactions.")
            .build();
    public static final Setting<String> GROUP_ID = Setting.text("group-id")
            .alias("group")
            .byDefault("cardstream-job")
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Consumer group; its committed offsets are the job's progress.")
            .build();
    public static final Setting<String> DLQ_TOPIC = Setting.text("dlq-topic")
            .byDefault(Topics.DEAD_LETTER)
            .rule(Setting.notBlank(), "must not be empty nor the input topic")
            .doc("Dead-letter topic for invalid records.")
            .build();
    public static final Setting<Long> BATCH_INTERVAL_MS = Setting.number("batch-interval-ms")
            .byDefault(1000L)
            .between(100, 600_000)
            .doc("Micro-batch interval in milliseconds.")
            .build();
    public static final Setting<Long> MAX_RATE_PER_PARTITION = Setting.number("max-rate-per-partition")
            .byDefault(50_000L)
            .atLeast(0, "0 (no cap) or more")
            .doc("Records a second per Kafka partition at most; 0 for no cap. Bounds every batch, so a backlog never"
                    + " swamps the cluster.")
            .build();
    public static final Setting<Boolean> BACKPRESSURE = Setting.flag("backpressure")
            .byDefault(true)
            .doc("Let Spark adapt the rate to the processing time.")
            .build();
    public static final Setting<Long> INITIAL_RATE = Setting.number("initial-rate")
            .byDefault(20_000L)
            .atLeast(0, "0 (unset) or more")
            .doc("Backpressure's records a second (per receiver) for the first batches; 0 to unset.")
            .build();
    public static final Setting<Long> MIN_RATE = Setting.number("min-rate")
            .byDefault(0L)
            .atLeast(0, "0 (unset) or more")
            .doc("Backpressure's floor: records a second (all partitions together) it never sets below; 0 leaves"
                    + " Spark's, 100. After a slow start Spark's estimate can sink to that and stay low for a minute"
                    + " while a backlog waits: set it to the rate the job must keep up with.")
            .build();
    public static final Setting<String> STARTING_OFFSETS = Setting.text("starting-offsets")
            .byDefault("earliest")
            .rule(Setting.oneOf("earliest", "latest"), "must be earliest or latest")
            .doc("Where to start when the group has no commit: earliest or latest.")
            .build();
    public static final Setting<String> MASTER = Setting.text("master")
            .byDefault("local[2]")
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Spark master when spark-submit did not set one.")
            .build();
    public static final Setting<String> PERSON_TABLE = table("person-table", "cardstream:person", "Persons.");
    public static final Setting<String> COMPANY_TABLE = table("company-table", "cardstream:company", "Companies.");
    public static final Setting<String> TX_TABLE =
            table("tx-table", "cardstream:tx_enriched", "Enriched transactions.");
    public static final Setting<String> METRICS_TABLE =
            table("metrics-table", "cardstream:batch_metrics", "One row of counts per batch.");
    public static final Setting<String> ROW_LAYOUT = Setting.text("row-layout")
            .label("LAYOUT")
            .byDefault(RowLayout.DEFAULT.id())
            .rule(Setting.oneOf("packed", "wide"), "must be packed or wide")
            .doc("Row layout of tx-table: packed (one JSON cell a row) or wide (one cell a field, the layout of"
                    + " tables made before the layout mark). The job refuses a table created for the other one"
                    + " (bin/cardstream schema create --row-layout).")
            .build();
    public static final Setting<Long> CACHE_SIZE = Setting.number("cache-size")
            .byDefault(1_000_000L)
            .between(0, 100_000_000)
            .doc("Dimension rows cached per executor.")
            .build();
    public static final Setting<Long> CACHE_TTL_SECONDS = Setting.number("cache-ttl-seconds")
            .byDefault(60L)
            .between(1, 86_400)
            .doc("How long a cached dimension row lives after it was read, so renames in HBase show up; rows in use"
                    + " are read again in the background before then.")
            .build();
    public static final Setting<Long> WRITE_BUFFER_BYTES = Setting.number("write-buffer-bytes")
            .byDefault(8L << 20)
            .between(64 * 1024, 256L * 1024 * 1024)
            .doc("Rows a task holds before it sends them to HBase, in bytes (it sends them at the end of every chunk of"
                    + " 5,000 transactions anyway).")
            .build();
    public static final Setting<Long> STOP_STALL_SECONDS = Setting.number("stop-stall-seconds")
            .byDefault(30L)
            .between(1, 3_600)
            .doc("A graceful stop (SIGTERM, Ctrl-C) that sees no batch finish for this long, because a batch waits on"
                    + " a Kafka or HBase that is down, stops now instead; partitions that had not committed are read"
                    + " again on the next start.")
            .build();
    public static final Setting<String> STOP_FILE = Setting.text("stop-file")
            .label("PATH")
            .byDefault(() -> "", "none")
            .doc("A file (any Hadoop path: hdfs://..., file:/...) whose appearance stops the job gracefully, as"
                    + " SIGTERM does, and ends it with status 0, which YARN reports as SUCCEEDED: the way to stop it in"
                    + " --deploy-mode cluster, where yarn application -kill leaves the driver no time to finish its"
                    + " batch. Looked for every 2 s; the job deletes it once stopped and refuses to start while it"
                    + " exists.")
            .build();
    public static final Setting<Long> KAFKA_TIMEOUT_SECONDS = Setting.number("kafka-timeout-seconds")
            .byDefault(120L)
            .between(10, 86_400)
            .doc("How long Kafka may be unreachable (no batch finishes and the brokers do not answer, or a task's read"
                    + " does not move) before the job fails, naming the brokers.")
            .build();
    public static final Setting<Boolean> RESUME_AFTER_DATA_LOSS = Setting.flag("resume-after-data-loss")
            .byDefault(false)
            .doc("When the group's committed offsets are below the start of the topic's log (the job was down longer"
                    + " than the retention), resume from the log start, logging the lost ranges, instead of failing"
                    + " at start with them.")
            .build();

    /** Properties-file prefixes of the passthrough client settings. */
    public static final String KAFKA_PROP = "kafka-prop.";

    public static final String HBASE_CONF = "hbase-conf.";

    public static final SettingSet ALL = new SettingSet(
            List.of(
                    BOOTSTRAP_SERVERS,
                    TOPIC,
                    GROUP_ID,
                    DLQ_TOPIC,
                    BATCH_INTERVAL_MS,
                    MAX_RATE_PER_PARTITION,
                    BACKPRESSURE,
                    INITIAL_RATE,
                    MIN_RATE,
                    STARTING_OFFSETS,
                    MASTER,
                    PERSON_TABLE,
                    COMPANY_TABLE,
                    TX_TABLE,
                    METRICS_TABLE,
                    ROW_LAYOUT,
                    CACHE_SIZE,
                    CACHE_TTL_SECONDS,
                    WRITE_BUFFER_BYTES,
                    STOP_STALL_SECONDS,
                    STOP_FILE,
                    KAFKA_TIMEOUT_SECONDS,
                    RESUME_AFTER_DATA_LOSS),
            Set.of(KAFKA_PROP, HBASE_CONF));

    private static Setting<String> table(String name, String byDefault, String doc) {
        return Setting.text(name)
                .label("NAMESPACE:NAME")
                .byDefault(byDefault)
                .rule(t -> t.matches(TABLE_NAME), "must be a table name, namespace:name")
                .doc("HBase table: " + doc)
                .build();
    }
}
