package io.cardstream.producer;

import io.cardstream.core.LocalConnection;
import io.cardstream.core.Topics;
import io.cardstream.core.settings.Setting;
import io.cardstream.core.settings.SettingSet;
import java.util.List;
import java.util.Set;

/**
 * The producer's settings, each defined once: {@code bin/cardstream produce}'s options and {@code --config} keys, and
 * the rules {@link GeneratorConfig} checks whoever builds it ({@link #GENERATOR}).
 */
public final class ProducerSettings {

    private ProducerSettings() {}

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers")
            .alias("bootstrap-server")
            .label("HOST:PORT,...")
            .byDefault(
                    () -> LocalConnection.setting("bootstrap.servers").orElse("127.0.0.1:9092"),
                    "those of the running local stack (.cardstream/stack/connection.properties), else 127.0.0.1:9092")
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Kafka bootstrap servers.")
            .build();
    public static final Setting<String> TOPIC = Setting.text("topic")
            .byDefault(Topics.TRANSACTIONS)
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Topic to write to.")
            .build();
    public static final Setting<Double> RATE = Setting.decimal("rate")
            .label("RECORDS/S")
            .byDefault(10_000.0)
            .within(0.001, 10_000_000, "0.001 and 10000000 records a second")
            .doc("Target records a second.")
            .build();
    public static final Setting<Long> COUNT = Setting.number("count")
            .byDefault(-1L)
            .atLeast(-1, "-1 (no limit) or more")
            .doc("Stop after N records; -1 for no limit (stop with --duration or Ctrl-C).")
            .build();
    public static final Setting<Double> DURATION = Setting.decimal("duration")
            .label("SECONDS")
            .byDefault(-1.0)
            .within(-1, 31_536_000, "-1 (no limit) and 31536000 seconds")
            .doc("Stop after this many seconds; -1 for no limit (stop with --count or Ctrl-C).")
            .build();
    public static final Setting<Integer> PERSONS = Setting.integer("persons")
            .byDefault(GeneratorConfig.DEFAULT_PERSONS)
            .between(1, 100_000_000)
            .doc("Size of the person id space (the loaded persons).")
            .build();
    public static final Setting<Integer> COMPANIES = Setting.integer("companies")
            .byDefault(GeneratorConfig.DEFAULT_COMPANIES)
            .between(1, 100_000_000)
            .doc("Size of the company id space (the loaded companies).")
            .build();
    public static final Setting<Double> SKEW = Setting.decimal("skew")
            .label("S")
            .byDefault(0.0)
            .within(0, 10, "0 (uniform) and 10")
            .doc("Zipf exponent of person and company popularity; 0 is uniform, 1 is classic Zipf.")
            .build();
    public static final Setting<Double> BAD_RATIO = ratio(
            "bad-ratio",
            "Fraction of deliberately invalid records, of varied kinds (malformed JSON, missing fields, bad amounts,"
                    + " bad currency, invalid UTF-8, ...).");
    public static final Setting<Double> UNKNOWN_RATIO = ratio(
            "unknown-ratio",
            "Fraction of valid records whose person, company or both are outside the loaded dimensions.");
    public static final Setting<Long> SEED = Setting.number("seed")
            .byDefault(() -> null, "a random seed, printed at start")
            .optional()
            .doc("Seed of the generator: the same seed gives the same transactions and txIds.")
            .build();
    public static final Setting<Long> FIRST_INDEX = Setting.number("first-index")
            .byDefault(0L)
            .atLeast(0, "0 or more")
            .doc("Index of the first record in the seed's sequence (to continue a run).")
            .build();
    public static final Setting<String> BURST = Setting.text("burst")
            .label("MULTIPLE:SECONDS:EVERY")
            .byDefault(() -> null, "no bursts")
            .optional()
            .doc("Bursts: MULTIPLE times the rate for SECONDS every EVERY seconds, e.g. 3:5:30.")
            .build();
    public static final Setting<Boolean> CREATE_TOPIC = Setting.flag("create-topic")
            .byDefault(false)
            .doc("Create the topic when it does not exist.")
            .build();
    public static final Setting<Integer> PARTITIONS = Setting.integer("partitions")
            .byDefault(4)
            .between(1, 10_000)
            .doc("Partitions of a topic made by --create-topic.")
            .build();
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication-factor")
            .byDefault(1)
            .between(1, 32)
            .doc("Replication factor of a topic made by --create-topic.")
            .build();
    public static final Setting<Integer> CONNECT_TIMEOUT = Setting.integer("connect-timeout")
            .label("SECONDS")
            .byDefault(30)
            .between(1, 3_600)
            .doc("How long to wait for the broker before giving up.")
            .build();

    /** Properties-file prefix of the Kafka producer settings, as {@code --producer-prop} gives them. */
    public static final String PRODUCER_PROP = "producer-prop.";

    /** Properties-file prefix of the settings of a topic made by {@code --create-topic}. */
    public static final String TOPIC_CONFIG = "topic-config.";

    /** What the generator draws from (also the demo's and the bench's, with their own defaults). */
    public static final SettingSet GENERATOR =
            new SettingSet(List.of(PERSONS, COMPANIES, SKEW, BAD_RATIO, UNKNOWN_RATIO), Set.of());

    public static final SettingSet ALL = new SettingSet(
            List.of(
                    BOOTSTRAP_SERVERS,
                    TOPIC,
                    RATE,
                    COUNT,
                    DURATION,
                    PERSONS,
                    COMPANIES,
                    SKEW,
                    BAD_RATIO,
                    UNKNOWN_RATIO,
                    SEED,
                    FIRST_INDEX,
                    BURST,
                    CREATE_TOPIC,
                    PARTITIONS,
                    REPLICATION_FACTOR,
                    CONNECT_TIMEOUT),
            Set.of(PRODUCER_PROP, TOPIC_CONFIG));

    private static Setting<Double> ratio(String name, String doc) {
        return Setting.decimal(name)
                .label("F")
                .byDefault(0.0)
                .within(0, 1, "0 and 1")
                .doc(doc)
                .build();
    }
}
