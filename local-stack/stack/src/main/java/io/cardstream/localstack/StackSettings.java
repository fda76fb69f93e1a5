package io.cardstream.localstack;

import io.cardstream.core.settings.Setting;
import io.cardstream.core.settings.SettingSet;
import io.cardstream.core.settings.Values;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The local stack's settings, each defined once: {@code bin/cardstream stack}'s options, and the rules
 * {@link LocalStackConfig} checks its values against, whoever builds it. The heap settings are also the demo's and
 * the bench's ({@link #HEAPS}).
 */
public final class StackSettings {

    private StackSettings() {}

    private static final String HEAP = "[1-9][0-9]*[kKmMgG]?";

    public static final Setting<String> DATA_DIR = Setting.text("data-dir")
            .label("DIR")
            .byDefault(
                    () -> System.getProperty("cardstream.home", ".") + "/.cardstream/stack",
                    "$CARDSTREAM_HOME/.cardstream/stack")
            .rule(Setting.notBlank(), "must not be empty")
            .doc("Where Kafka and HBase keep their data and logs.")
            .build();
    public static final Setting<Boolean> KAFKA =
            Setting.flag("kafka").byDefault(true).doc("Start the Kafka broker.").build();
    public static final Setting<Boolean> HBASE =
            Setting.flag("hbase").byDefault(true).doc("Start HBase.").build();
    public static final Setting<Integer> KAFKA_PORT =
            port("kafka-port", "The broker's client port on 127.0.0.1; 0 picks a free one.");
    public static final Setting<Integer> KAFKA_CONTROLLER_PORT =
            port("kafka-controller-port", "The KRaft controller port on 127.0.0.1; 0 picks a free one.");
    public static final Setting<Integer> ZOOKEEPER_PORT =
            port("zookeeper-port", "HBase's ZooKeeper client port on 127.0.0.1; 0 picks a free one.");
    public static final Setting<Integer> KAFKA_SASL_PORT =
            port("kafka-sasl-port", "The SASL listener's port on 127.0.0.1 (with --scram-users); 0 picks a free one.");
    public static final Setting<Integer> KAFKA_SASL_SSL_PORT = port(
            "kafka-sasl-ssl-port",
            "The SASL_SSL listener's port on 127.0.0.1 (with --scram-users); 0 picks a free one.");
    public static final Setting<Integer> KAFKA_KERBEROS_PORT = port(
            "kafka-kerberos-port",
            "The SASL_PLAINTEXT/GSSAPI listener's port on localhost (with --kerberos); 0 picks a free one.");
    public static final Setting<Integer> KAFKA_PARTITIONS = Setting.integer("kafka-partitions")
            .byDefault(LocalStackConfig.DEFAULT_KAFKA_PARTITIONS)
            .between(1, 1000)
            .doc("Default partition count of new topics.")
            .build();
    public static final Setting<String> KAFKA_HEAP =
            heap("kafka-heap", LocalStackConfig.DEFAULT_KAFKA_HEAP, "Maximum heap of the broker JVM (-Xmx).");
    public static final Setting<String> HBASE_HEAP = heap(
            "hbase-heap",
            LocalStackConfig.DEFAULT_HBASE_HEAP,
            "Maximum heap of the HBase JVM (-Xmx); its memstores get 40% of it.");

    public static final Setting<Long> START_TIMEOUT = Setting.number("start-timeout")
            .label("SECONDS")
            .byDefault(LocalStackConfig.DEFAULT_START_TIMEOUT.toSeconds())
            .between(1, 3_600)
            .doc("How long to wait for each service to be ready.")
            .build();

    public static final SettingSet ALL = new SettingSet(
            List.of(
                    DATA_DIR,
                    KAFKA,
                    HBASE,
                    KAFKA_PORT,
                    KAFKA_CONTROLLER_PORT,
                    ZOOKEEPER_PORT,
                    KAFKA_PARTITIONS,
                    KAFKA_HEAP,
                    HBASE_HEAP,
                    KAFKA_SASL_PORT,
                    KAFKA_SASL_SSL_PORT,
                    KAFKA_KERBEROS_PORT,
                    START_TIMEOUT),
            Set.of());

    /** The services' heaps alone, for programs that start a stack of their own (demo, bench). */
    public static final SettingSet HEAPS = new SettingSet(List.of(KAFKA_HEAP, HBASE_HEAP), Set.of());

    /** The configuration {@code values} (of {@link #ALL}) describe. */
    public static LocalStackConfig config(Values values) {
        return LocalStackConfig.defaults(Path.of(values.get(DATA_DIR)))
                .withServices(values.get(KAFKA), values.get(HBASE))
                .withPorts(values.get(KAFKA_PORT), values.get(KAFKA_CONTROLLER_PORT), values.get(ZOOKEEPER_PORT))
                .withHeaps(values.get(KAFKA_HEAP), values.get(HBASE_HEAP))
                .withKafkaPartitions(values.get(KAFKA_PARTITIONS))
                .withKafkaSaslPorts(values.get(KAFKA_SASL_PORT), values.get(KAFKA_SASL_SSL_PORT))
                .withKafkaKerberosPort(values.get(KAFKA_KERBEROS_PORT))
                .withStartTimeout(Duration.ofSeconds(values.get(START_TIMEOUT)));
    }

    private static Setting<Integer> port(String name, String doc) {
        return Setting.integer(name)
                .label("PORT")
                .byDefault(0)
                .rule(p -> p == 0 || (p >= 1024 && p <= 65_535), "must be 0 (a free port) or between 1024 and 65535")
                .doc(doc)
                .build();
    }

    private static Setting<String> heap(String name, String byDefault, String doc) {
        return Setting.text(name)
                .label("SIZE")
                .byDefault(byDefault)
                .rule(h -> h.matches(HEAP), "must look like java's -Xmx value, e.g. 512m or 2g")
                .doc(doc)
                .build();
    }
}
