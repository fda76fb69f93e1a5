package io.cardstream.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What to start and how: the data directory (each service keeps its data in a folder of it, and the logs go to
 * {@code <dataDir>/logs}), the ports (0 means a free port chosen at start), the child JVMs' heaps and how long to
 * wait for them. Validated on construction, so a bad value fails before any JVM is started.
 *
 * @param dataDir           where the services keep data and logs; created if missing
 * @param kafka             whether to start the Kafka broker
 * @param hbase             whether to start HBase
 * @param kafkaPort         the broker's client port on 127.0.0.1, or 0 for a free one
 * @param kafkaControllerPort the KRaft controller's port on 127.0.0.1, or 0 for a free one
 * @param zookeeperPort     HBase's ZooKeeper client port on 127.0.0.1, or 0 for a free one
 * @param kafkaHeap         the broker JVM's maximum heap, in java's -Xmx form (e.g. 1g)
 * @param hbaseHeap         the HBase JVM's maximum heap, in java's -Xmx form (e.g. 3g)
 * @param kafkaPartitions   the broker's default partition count for new topics
 * @param startTimeout      how long to wait for each service to be ready
 * @param hbaseSettings     extra hbase-site settings for the HBase JVM; they win over {@link #HBASE_TUNING}
 * @param kafkaSaslPort     the broker's SASL/SCRAM-SHA-512 listener port on 127.0.0.1, or 0 for a free one; used only
 *                          with SCRAM users
 * @param kafkaScramUsers   SCRAM-SHA-512 users (name to password) of a second listener, SASL_PLAINTEXT, beside the
 *                          PLAINTEXT one, and a third, SASL_SSL, with a self-signed certificate for 127.0.0.1; none:
 *                          no SASL listener. Never printed: {@link #toString()} names the users only
 * @param kafkaSaslSslPort  the SASL_SSL listener's port on 127.0.0.1, or 0 for a free one; used only with SCRAM users
 * @param kerberos          whether to start a KDC ({@link LocalKdc}) and Kerberize HBase (every client must log in)
 *                          and the broker (a fourth listener, SASL_PLAINTEXT with GSSAPI, on {@code localhost})
 * @param kafkaKerberosPort the broker's GSSAPI listener port, or 0 for a free one; used only with Kerberos
 */
public record LocalStackConfig(
        Path dataDir,
        boolean kafka,
        boolean hbase,
        int kafkaPort,
        int kafkaControllerPort,
        int zookeeperPort,
        String kafkaHeap,
        String hbaseHeap,
        int kafkaPartitions,
        Duration startTimeout,
        Map<String, String> hbaseSettings,
        int kafkaSaslPort,
        Map<String, String> kafkaScramUsers,
        int kafkaSaslSslPort,
        boolean kerberos,
        int kafkaKerberosPort) {

    public static final String DEFAULT_KAFKA_HEAP = "1g";
    /** DESIGN.md: the one-qualifier-per-field table wants at least 3 GB on a standalone HBase under load. */
    public static final String DEFAULT_HBASE_HEAP = "3g";

    public static final int DEFAULT_KAFKA_PARTITIONS = 4;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

    /**
     * The local HBase's own tuning, applied before {@link #hbaseSettings()} (which win). HBase's defaults are for
     * region servers with cores of their own; this one shares a laptop's few cores with the broker and the job that
     * writes to it. Compactions run at 10 MB/s while a store has few files (HBase: 50, up to 100 MB/s): at HBase's
     * pace two compactions took both cores from the writes; the pressure-aware controller still raises the pace, up
     * to 50 MB/s, as files approach the blocking count. And a store is compacted once it has 6 files (HBase: 3), so
     * each row is rewritten by fewer compactions: with two servers side by side, 10 M enriched rows written at 8,000
     * rows/s each cost 78 against 94 us of HBase CPU a row, compactions included (README, Performance).
     */
    public static final Map<String, String> HBASE_TUNING = Collections.unmodifiableMap(new TreeMap<>(Map.of(
            "hbase.hstore.compaction.throughput.lower.bound", Long.toString(10L << 20),
            "hbase.hstore.compaction.throughput.higher.bound", Long.toString(50L << 20),
            "hbase.hstore.compaction.min", "6")));

    private static final Pattern SCRAM_USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public LocalStackConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(startTimeout, "startTimeout");
        hbaseSettings = Map.copyOf(Objects.requireNonNull(hbaseSettings, "hbaseSettings"));
        kafkaScramUsers = Map.copyOf(Objects.requireNonNull(kafkaScramUsers, "kafkaScramUsers"));
        StackSettings.KAFKA_SASL_PORT.check(kafkaSaslPort);
        StackSettings.KAFKA_SASL_SSL_PORT.check(kafkaSaslSslPort);
        StackSettings.KAFKA_KERBEROS_PORT.check(kafkaKerberosPort);
        for (Map.Entry<String, String> user : kafkaScramUsers.entrySet()) {
            if (!SCRAM_USER.matcher(user.getKey()).matches()) {
                throw new IllegalArgumentException("A SCRAM user name must be 1 to 64 letters, digits, '.', '_' or"
                        + " '-'; got '" + user.getKey() + "'.");
            }
            if (user.getValue() == null
                    || user.getValue().isEmpty()
                    || user.getValue().contains("\"")
                    || user.getValue().contains("\n")
                    || user.getValue().contains("]")) {
                throw new IllegalArgumentException("The SCRAM password of user " + user.getKey() + " must be non-empty"
                        + " and hold no double quote, ']' or line break.");
            }
        }
        if (!kafka && !hbase) {
            throw new IllegalArgumentException("The local stack must start Kafka, HBase or both; both are disabled.");
        }
        StackSettings.KAFKA_PORT.check(kafkaPort);
        StackSettings.KAFKA_CONTROLLER_PORT.check(kafkaControllerPort);
        StackSettings.ZOOKEEPER_PORT.check(zookeeperPort);
        if (kafkaPort != 0 && kafkaPort == kafkaControllerPort) {
            throw new IllegalArgumentException("Invalid setting kafka-controller-port: it must differ from"
                    + " kafka-port; both are " + kafkaPort + ".");
        }
        StackSettings.KAFKA_HEAP.check(kafkaHeap);
        StackSettings.HBASE_HEAP.check(hbaseHeap);
        StackSettings.KAFKA_PARTITIONS.check(kafkaPartitions);
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid setting start-timeout: it must be positive; got " + startTimeout + ".");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** Both services, free ports, default heaps and timeout, data under {@code dataDir}. */
    public static LocalStackConfig defaults(Path dataDir) {
        return new LocalStackConfig(
                dataDir,
                true,
                true,
                0,
                0,
                0,
                DEFAULT_KAFKA_HEAP,
                DEFAULT_HBASE_HEAP,
                DEFAULT_KAFKA_PARTITIONS,
                DEFAULT_START_TIMEOUT,
                Map.of(),
                0,
                Map.of(),
                0,
                false,
                0);
    }

    public LocalStackConfig withServices(boolean startKafka, boolean startHBase) {
        return with(b -> {
            b.kafka = startKafka;
            b.hbase = startHBase;
        });
    }

    public LocalStackConfig withPorts(int kafkaClientPort, int controllerPort, int zkPort) {
        return with(b -> {
            b.kafkaPort = kafkaClientPort;
            b.kafkaControllerPort = controllerPort;
            b.zookeeperPort = zkPort;
        });
    }

    public LocalStackConfig withHeaps(String kafkaMaxHeap, String hbaseMaxHeap) {
        return with(b -> {
            b.kafkaHeap = kafkaMaxHeap;
            b.hbaseHeap = hbaseMaxHeap;
        });
    }

    public LocalStackConfig withKafkaPartitions(int partitions) {
        return with(b -> b.kafkaPartitions = partitions);
    }

    public LocalStackConfig withStartTimeout(Duration timeout) {
        return with(b -> b.startTimeout = timeout);
    }

    /** The hbase-site settings the HBase JVM gets beyond its own defaults: {@link #HBASE_TUNING}, then the caller's. */
    public Map<String, String> effectiveHBaseSettings() {
        Map<String, String> settings = new TreeMap<>(HBASE_TUNING);
        settings.putAll(hbaseSettings);
        return Collections.unmodifiableMap(settings);
    }

    public LocalStackConfig withHBaseSettings(Map<String, String> settings) {
        return with(b -> b.hbaseSettings = settings);
    }

    /**
     * The broker also listens with SASL_PLAINTEXT and SASL_SSL, SCRAM-SHA-512, for {@code users} (name to password),
     * on the ports {@link #withKafkaSaslPorts} sets (free ones by default). Clients then log in there; the PLAINTEXT
     * listener stays for the stack's own checks and for tests.
     */
    public LocalStackConfig withKafkaScram(Map<String, String> users) {
        return with(b -> b.kafkaScramUsers = users);
    }

    /** The ports of the SASL_PLAINTEXT and SASL_SSL listeners that come with SCRAM users (0: a free port). */
    public LocalStackConfig withKafkaSaslPorts(int saslPort, int saslSslPort) {
        return with(b -> {
            b.kafkaSaslPort = saslPort;
            b.kafkaSaslSslPort = saslSslPort;
        });
    }

    /**
     * With {@code enabled}, the stack starts a KDC and Kerberizes HBase and the broker ({@link LocalKdc}): HBase then
     * takes only clients that log in, and the broker gets a SASL_PLAINTEXT listener with GSSAPI on {@code localhost}
     * (its PLAINTEXT listener stays, for the stack's own checks).
     */
    public LocalStackConfig withKerberos(boolean enabled) {
        return with(b -> b.kerberos = enabled);
    }

    /** The port of the broker's GSSAPI listener that comes with Kerberos (0: a free port). */
    public LocalStackConfig withKafkaKerberosPort(int port) {
        return with(b -> b.kafkaKerberosPort = port);
    }

    /** A copy of this configuration with {@code change} applied to a builder that starts from it. */
    private LocalStackConfig with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** A copy being changed: the withers set what they change, and {@link #build()} validates the whole. */
    private static final class Builder {
        private final Path dataDir;
        private boolean kafka;
        private boolean hbase;
        private int kafkaPort;
        private int kafkaControllerPort;
        private int zookeeperPort;
        private String kafkaHeap;
        private String hbaseHeap;
        private int kafkaPartitions;
        private Duration startTimeout;
        private Map<String, String> hbaseSettings;
        private int kafkaSaslPort;
        private Map<String, String> kafkaScramUsers;
        private int kafkaSaslSslPort;
        private boolean kerberos;
        private int kafkaKerberosPort;

        Builder(LocalStackConfig c) {
            dataDir = c.dataDir;
            kafka = c.kafka;
            hbase = c.hbase;
            kafkaPort = c.kafkaPort;
            kafkaControllerPort = c.kafkaControllerPort;
            zookeeperPort = c.zookeeperPort;
            kafkaHeap = c.kafkaHeap;
            hbaseHeap = c.hbaseHeap;
            kafkaPartitions = c.kafkaPartitions;
            startTimeout = c.startTimeout;
            hbaseSettings = c.hbaseSettings;
            kafkaSaslPort = c.kafkaSaslPort;
            kafkaScramUsers = c.kafkaScramUsers;
            kafkaSaslSslPort = c.kafkaSaslSslPort;
            kerberos = c.kerberos;
            kafkaKerberosPort = c.kafkaKerberosPort;
        }

        LocalStackConfig build() {
            return new LocalStackConfig(
                    dataDir,
                    kafka,
                    hbase,
                    kafkaPort,
                    kafkaControllerPort,
                    zookeeperPort,
                    kafkaHeap,
                    hbaseHeap,
                    kafkaPartitions,
                    startTimeout,
                    hbaseSettings,
                    kafkaSaslPort,
                    kafkaScramUsers,
                    kafkaSaslSslPort,
                    kerberos,
                    kafkaKerberosPort);
        }
    }

    /** The SCRAM users' names, never their passwords. */
    @Override
    public String toString() {
        return "LocalStackConfig[dataDir=" + dataDir + ", kafka=" + kafka + ", hbase=" + hbase + ", kafkaPort="
                + kafkaPort + ", kafkaControllerPort=" + kafkaControllerPort + ", zookeeperPort=" + zookeeperPort
                + ", kafkaHeap=" + kafkaHeap + ", hbaseHeap=" + hbaseHeap + ", kafkaPartitions=" + kafkaPartitions
                + ", startTimeout=" + startTimeout + ", hbaseSettings=" + hbaseSettings + ", kafkaSaslPort="
                + kafkaSaslPort + ", kafkaScramUsers=" + new java.util.TreeSet<>(kafkaScramUsers.keySet())
                + ", kafkaSaslSslPort=" + kafkaSaslSslPort + ", kerberos=" + kerberos + ", kafkaKerberosPort="
                + kafkaKerberosPort + "]";
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }
}
