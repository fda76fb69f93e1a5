package io.cardstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, one combined node) and a real Apache HBase (standalone, with its own
 * ZooKeeper), each in a child JVM with its own classpath, bound to 127.0.0.1 on ports chosen at start. Both start
 * in parallel and {@link #start} returns once each answers a client call. {@link #close()} stops both; so does the
 * end of this JVM, and a child whose parent vanishes stops itself.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(LocalStackConfig.defaults(Path.of("target/stack")))) {
 *     String bootstrap = stack.bootstrapServers();
 *     int zkPort = stack.zookeeperPort();
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    /** The service names used in logs and errors. */
    public static final String KAFKA = "Kafka";

    public static final String HBASE = "HBase";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final String LOOPBACK = "127.0.0.1";
    /** The SASL mechanism of the broker's optional second listener. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private static final int PORT_ATTEMPTS = 3;
    /** HBase's own JDK 17 flags: without them it runs, but with its Unsafe fast paths off. */
    private static final List<String> HBASE_JVM_FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.dns=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true");

    private final LocalStackConfig config;
    private volatile ChildNode kafka;
    private volatile ChildNode hbase;
    private final String bootstrapServers;
    private final int zookeeperPort;
    private final int kafkaControllerPort;
    private final int kafkaSaslPort;
    private final int kafkaSaslSslPort;
    private final int kafkaKerberosPort;
    private final LocalKdc kdc;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalStack(LocalStackConfig config, LocalKdc kdc, Started kafka, Started hbase) {
        this.config = config;
        this.kdc = kdc;
        this.kafka = kafka == null ? null : kafka.node;
        this.hbase = hbase == null ? null : hbase.node;
        this.bootstrapServers = kafka == null ? null : "127.0.0.1:" + kafka.ports[0];
        this.kafkaControllerPort = kafka == null ? -1 : kafka.ports[1];
        this.kafkaSaslPort = kafka == null ? -1 : kafka.ports[2];
        this.kafkaSaslSslPort = kafka == null ? -1 : kafka.ports[3];
        this.kafkaKerberosPort = kafka == null ? -1 : kafka.ports[4];
        this.zookeeperPort = hbase == null ? -1 : hbase.ports[0];
        this.shutdownHook = new Thread(this::close, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the configured services and waits until each is ready.
     *
     * @throws LocalStackException naming the service that did not start, with the tail of its log; any service
     *                             already started is stopped again
     */
    public static LocalStack start(LocalStackConfig config) {
        try {
            Files.createDirectories(config.logDir());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "The local stack's data directory " + config.dataDir() + " could not be created.", e);
        }
        LocalKdc kdc = config.kerberos() ? LocalKdc.start(config.dataDir().resolve("kerberos")) : null;
        CompletableFuture<Started> kafkaStart = config.kafka()
                ? CompletableFuture.supplyAsync(() -> startKafka(config, kdc))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<Started> hbaseStart = config.hbase()
                ? CompletableFuture.supplyAsync(() -> startHBase(config, kdc))
                : CompletableFuture.completedFuture(null);
        Started k = null;
        Started h = null;
        RuntimeException failure = null;
        try {
            k = kafkaStart.join();
        } catch (CompletionException e) {
            failure = unwrap(e);
        }
        try {
            h = hbaseStart.join();
        } catch (CompletionException e) {
            failure = failure == null ? unwrap(e) : failure;
        }
        if (failure != null) {
            if (k != null) {
                k.node.close();
            }
            if (h != null) {
                h.node.close();
            }
            if (kdc != null) {
                kdc.close();
            }
            throw failure;
        }
        if (kdc != null && h != null) {
            kdc.writeHBaseSite(LOOPBACK, h.ports[0]);
        }
        LocalStack stack = new LocalStack(config, kdc, k, h);
        stack.writeConnectionFile();
        return stack;
    }

    /** The broker's {@code bootstrap.servers}, e.g. {@code 127.0.0.1:41234}. */
    public String bootstrapServers() {
        requireService(kafka, KAFKA);
        return bootstrapServers;
    }

    /** HBase's ZooKeeper quorum ({@code hbase.zookeeper.quorum}): always {@code 127.0.0.1}. */
    public String zookeeperQuorum() {
        requireService(hbase, HBASE);
        return LOOPBACK;
    }

    /** HBase's ZooKeeper client port ({@code hbase.zookeeper.property.clientPort}). */
    public int zookeeperPort() {
        requireService(hbase, HBASE);
        return zookeeperPort;
    }

    /**
     * The broker's SASL_PLAINTEXT (SCRAM-SHA-512) listener, e.g. {@code 127.0.0.1:41235}, when the stack was
     * configured with SCRAM users ({@link LocalStackConfig#withKafkaScram}).
     */
    public String saslBootstrapServers() {
        requireService(kafka, KAFKA);
        if (kafkaSaslPort < 0) {
            throw new IllegalStateException("The local Kafka broker has no SASL listener: configure SCRAM users.");
        }
        return LOOPBACK + ":" + kafkaSaslPort;
    }

    /**
     * The Kafka client settings that log {@code user} in on the SASL listener, password included: for the
     * client's own configuration, never for a log.
     */
    public Map<String, String> scramClientProperties(String user) {
        String password = config.kafkaScramUsers().get(user);
        if (password == null) {
            throw new IllegalArgumentException("No SCRAM user " + user + " in this local stack.");
        }
        return scramClientProperties(user, password);
    }

    /**
     * The broker's SASL_SSL (SCRAM-SHA-512 over TLS) listener, e.g. {@code 127.0.0.1:41236}, when the stack was
     * configured with SCRAM users; its certificate is self-signed for 127.0.0.1 (see {@link #truststore()}).
     */
    public String saslSslBootstrapServers() {
        saslBootstrapServers();
        return LOOPBACK + ":" + kafkaSaslSslPort;
    }

    /**
     * The stack's KDC, its principals and the files a client needs, when the stack was configured with Kerberos
     * ({@link LocalStackConfig#withKerberos}).
     */
    public LocalKdc kerberos() {
        if (kdc == null) {
            throw new IllegalStateException("The local stack runs without Kerberos: configure it with Kerberos.");
        }
        return kdc;
    }

    /** The broker's SASL_PLAINTEXT/GSSAPI listener, {@code localhost:PORT}, when the stack runs with Kerberos. */
    public String kerberosBootstrapServers() {
        requireService(kafka, KAFKA);
        kerberos();
        return LocalKdc.HOST + ":" + kafkaKerberosPort;
    }

    /** The PKCS12 truststore that holds the SASL_SSL listener's self-signed certificate. */
    public Path truststore() {
        return Tls.of(config.dataDir().resolve("kafka")).truststore();
    }

    /**
     * The Kafka client settings that log {@code user} in on the SASL_SSL listener: SCRAM-SHA-512 over TLS, trusting
     * the broker's certificate through {@link #truststore()}. Passwords included: for a client, never for a log.
     */
    public Map<String, String> scramSslClientProperties(String user) {
        Map<String, String> props = new LinkedHashMap<>(scramClientProperties(user));
        Tls tls = Tls.of(config.dataDir().resolve("kafka"));
        props.put("security.protocol", "SASL_SSL");
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", tls.truststore().toString());
        props.put("ssl.truststore.password", tls.password());
        return props;
    }

    /** Client settings for SCRAM-SHA-512 over SASL_PLAINTEXT with these credentials (right or wrong). */
    public static Map<String, String> scramClientProperties(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                SCRAM_MECHANISM,
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    /** The settings a client needs, as the properties the Kafka and HBase clients themselves use. */
    public Map<String, String> connectionProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        if (kafka != null) {
            props.put("bootstrap.servers", bootstrapServers);
            if (kafkaSaslPort > 0) {
                props.put("sasl.bootstrap.servers", saslBootstrapServers());
                props.put("sasl.ssl.bootstrap.servers", saslSslBootstrapServers());
                props.put("ssl.truststore.location", truststore().toString());
            }
            if (kdc != null) {
                props.put("kerberos.bootstrap.servers", kerberosBootstrapServers());
                props.put("kerberos.kafka.client.config", kdc.kafkaClientFile().toString());
            }
        }
        if (hbase != null) {
            props.put("hbase.zookeeper.quorum", LOOPBACK);
            props.put("hbase.zookeeper.property.clientPort", Integer.toString(zookeeperPort));
            if (kdc != null) {
                props.put(
                        "kerberos.hbase.conf.dir",
                        kdc.hbaseSiteFile().getParent().toString());
            }
        }
        if (kdc != null) {
            props.put("java.security.krb5.conf", kdc.krb5Conf().toString());
            props.put("kerberos.principal", kdc.clientPrincipal());
            props.put("kerberos.keytab", kdc.clientKeytab().toString());
        }
        return props;
    }

    /** The file holding {@link #connectionProperties()}, written at start: {@code <dataDir>/connection.properties}. */
    public Path connectionFile() {
        return config.dataDir().resolve("connection.properties");
    }

    public LocalStackConfig config() {
        return config;
    }

    /** The child JVMs' process ids, by service name. */
    public Map<String, Long> pids() {
        return byService(ChildNode::pid);
    }

    /** Milliseconds from each child's launch until it was ready, by service name. */
    public Map<String, Long> readyMillis() {
        return byService(ChildNode::readyMillis);
    }

    /** Each child's resident memory in bytes (from /proc; -1 where unknown), by service name. */
    public Map<String, Long> residentBytes() {
        return byService(ChildNode::residentBytes);
    }

    /** Each child's log file, by service name. */
    public Map<String, Path> logFiles() {
        Map<String, Path> logs = new LinkedHashMap<>();
        Optional.ofNullable(kafka).ifPresent(n -> logs.put(KAFKA, n.logFile()));
        Optional.ofNullable(hbase).ifPresent(n -> logs.put(HBASE, n.logFile()));
        return logs;
    }

    /** True while every started child JVM is still running. */
    public boolean isRunning() {
        return (kafka == null || kafka.isAlive()) && (hbase == null || hbase.isAlive());
    }

    /**
     * Leaves stopping to the caller: removes the JVM shutdown hook that would otherwise stop both services as soon as
     * the JVM begins to exit, in parallel with every other hook. A program whose own hooks still need Kafka and HBase
     * (the demo stops its job gracefully first) calls this and closes the stack last. The children still stop on
     * their own if this JVM dies (they watch their stdin).
     */
    public LocalStack withoutShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting, and the hook is running or about to
        }
        return this;
    }

    /** Stops both services and waits until their JVMs are gone. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; stopping twice is harmless
        }
        stopChildren();
        if (kdc != null) {
            kdc.close();
        }
    }

    private void stopChildren() {
        CompletableFuture<Void> k =
                CompletableFuture.runAsync(() -> Optional.ofNullable(kafka).ifPresent(ChildNode::close));
        CompletableFuture<Void> h =
                CompletableFuture.runAsync(() -> Optional.ofNullable(hbase).ifPresent(ChildNode::close));
        CompletableFuture.allOf(k, h).join();
    }

    private Map<String, Long> byService(ToLongFunction<ChildNode> value) {
        Map<String, Long> values = new LinkedHashMap<>();
        Optional.ofNullable(kafka).ifPresent(n -> values.put(KAFKA, value.applyAsLong(n)));
        Optional.ofNullable(hbase).ifPresent(n -> values.put(HBASE, value.applyAsLong(n)));
        return values;
    }

    /** Plain key=value lines (no escaped colons, unlike Properties.store), still readable by Properties.load. */
    private void writeConnectionFile() {
        StringBuilder text = new StringBuilder("# Connection settings of the running cardstream local stack\n");
        connectionProperties()
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(connectionFile(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The connection file " + connectionFile() + " could not be written.", e);
        }
    }

    private static void requireService(ChildNode node, String service) {
        if (node == null) {
            throw new IllegalStateException(service + " was not started in this local stack.");
        }
    }

    /**
     * A ready child and its ports: for Kafka client, controller, SASL, SASL_SSL and GSSAPI (-1: no such listener);
     * for HBase ZooKeeper's.
     */
    private record Started(ChildNode node, int... ports) {}

    /**
     * Stops one service, leaving its data and the other service running: SIGTERM, or SIGKILL when {@code kill}
     * (a crash). For fault tests; {@link #start(String)} brings it back on the same ports.
     */
    public synchronized void stop(String service, boolean kill) {
        ChildNode node = node(service);
        if (kill) {
            node.destroyNow();
        } else {
            node.close();
        }
    }

    /** Starts a stopped service again on its former ports and data, and waits until it is ready. */
    public synchronized void start(String service) {
        if (node(service).isAlive()) {
            throw new IllegalStateException(service + " is running already.");
        }
        if (service.equals(KAFKA)) {
            int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
            kafka = startKafka(
                            config.withPorts(port, kafkaControllerPort, config.zookeeperPort())
                                    .withKafkaSaslPorts(Math.max(0, kafkaSaslPort), Math.max(0, kafkaSaslSslPort))
                                    .withKafkaKerberosPort(Math.max(0, kafkaKerberosPort)),
                            kdc)
                    .node;
        } else {
            hbase = startHBase(config.withPorts(config.kafkaPort(), config.kafkaControllerPort(), zookeeperPort), kdc)
                    .node;
        }
    }

    private ChildNode node(String service) {
        ChildNode node = switch (service) {
            case KAFKA -> kafka;
            case HBASE -> hbase;
            default -> throw new IllegalArgumentException("No service " + service + "; Kafka or HBase.");
        };
        requireService(node, service);
        return node;
    }

    private static Started startKafka(LocalStackConfig config, LocalKdc kdc) {
        NodeClasspath classpath = NodeClasspath.of("kafka", KAFKA);
        return withPortRetries(
                KAFKA,
                config.kafkaPort() == 0
                        && config.kafkaControllerPort() == 0
                        && config.kafkaSaslPort() == 0
                        && config.kafkaSaslSslPort() == 0
                        && config.kafkaKerberosPort() == 0,
                () -> {
                    int port = config.kafkaPort() != 0 ? config.kafkaPort() : freePort();
                    int controllerPort =
                            config.kafkaControllerPort() != 0 ? config.kafkaControllerPort() : freePort(port);
                    Map<String, String> props = new HashMap<>();
                    props.put(
                            "cardstream.node.dataDir",
                            config.dataDir().resolve("kafka").toString());
                    props.put(
                            "cardstream.node.readyFile",
                            config.dataDir().resolve("kafka/ready.properties").toString());
                    props.put("cardstream.kafka.port", Integer.toString(port));
                    props.put("cardstream.kafka.controllerPort", Integer.toString(controllerPort));
                    props.put("cardstream.kafka.defaultPartitions", Integer.toString(config.kafkaPartitions()));
                    props.put("java.io.tmpdir", tmpDir(config.dataDir().resolve("kafka")));
                    int saslPort = -1;
                    int saslSslPort = -1;
                    if (!config.kafkaScramUsers().isEmpty()) {
                        saslPort =
                                config.kafkaSaslPort() != 0 ? config.kafkaSaslPort() : freePort(port, controllerPort);
                        saslSslPort = config.kafkaSaslSslPort() != 0
                                ? config.kafkaSaslSslPort()
                                : freePort(port, controllerPort, saslPort);
                        Tls tls = Tls.ensure(config.dataDir().resolve("kafka"));
                        props.put("cardstream.kafka.saslPort", Integer.toString(saslPort));
                        props.put("cardstream.kafka.saslSslPort", Integer.toString(saslSslPort));
                        props.put(
                                "cardstream.kafka.scramUsersFile",
                                writeScramUsers(config).toString());
                        props.put("cardstream.kafka.keystore", tls.keystore().toString());
                        props.put(
                                "cardstream.kafka.tlsPasswordFile",
                                tls.passwordFile().toString());
                    }
                    int kerberosPort = -1;
                    if (kdc != null) {
                        kerberosPort = config.kafkaKerberosPort() != 0
                                ? config.kafkaKerberosPort()
                                : freePort(port, controllerPort, saslPort, saslSslPort);
                        props.put("cardstream.kafka.kerberosPort", Integer.toString(kerberosPort));
                        props.put(
                                "cardstream.kafka.kerberosKeytab",
                                kdc.keytab(LocalKdc.KAFKA_SERVICE).toString());
                        props.put("cardstream.kafka.kerberosPrincipal", kdc.servicePrincipal(LocalKdc.KAFKA_SERVICE));
                        props.put("java.security.krb5.conf", kdc.krb5Conf().toString());
                    }
                    List<String> jvm = List.of(
                            "-Xmx" + config.kafkaHeap(),
                            "-XX:+UseG1GC",
                            "-XX:MaxGCPauseMillis=20",
                            "-Djava.awt.headless=true",
                            "-Djava.net.preferIPv4Stack=true");
                    ChildNode node = ChildNode.launch(
                            KAFKA,
                            classpath,
                            jvm,
                            props,
                            config.logDir().resolve("kafka.log"),
                            config.dataDir().resolve("kafka/ready.properties"));
                    node.awaitReady(config.startTimeout());
                    return new Started(node, port, controllerPort, saslPort, saslSslPort, kerberosPort);
                });
    }

    /**
     * A service's temporary directory, in its data directory: the files its JVM unpacks there (native libraries such
     * as lz4's) would stay in /tmp for good whenever the node is killed (SIGKILL runs no clean-up).
     */
    private static String tmpDir(Path serviceDir) {
        Path dir = serviceDir.resolve("tmp");
        try {
            return Files.createDirectories(dir).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("The temporary directory " + dir + " could not be created.", e);
        }
    }

    /**
     * The SCRAM users for the broker's child JVM, as a properties file only the owner may read: passwords go
     * neither on a command line (visible to every process) nor into a log.
     */
    private static Path writeScramUsers(LocalStackConfig config) {
        Path file = config.dataDir().resolve("kafka/scram-users.properties");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringBuilder text = new StringBuilder();
            new java.util.TreeMap<>(config.kafkaScramUsers())
                    .forEach((user, password) ->
                            text.append(user).append('=').append(password).append('\n'));
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("The SCRAM users file " + file + " could not be written.", e);
        }
    }

    private static Started startHBase(LocalStackConfig config, LocalKdc kdc) {
        NodeClasspath classpath = NodeClasspath.of("hbase", HBASE);
        return withPortRetries(HBASE, config.zookeeperPort() == 0, () -> {
            int zkPort = config.zookeeperPort() != 0 ? config.zookeeperPort() : freePort();
            Map<String, String> props = new HashMap<>();
            props.put(
                    "cardstream.node.dataDir", config.dataDir().resolve("hbase").toString());
            props.put(
                    "cardstream.node.readyFile",
                    config.dataDir().resolve("hbase/ready.properties").toString());
            props.put("cardstream.hbase.zookeeperPort", Integer.toString(zkPort));
            props.put("java.io.tmpdir", tmpDir(config.dataDir().resolve("hbase")));
            config.effectiveHBaseSettings().forEach((k, v) -> props.put("cardstream.hbase.conf." + k, v));
            if (kdc != null) {
                props.put(
                        "cardstream.hbase.kerberosKeytab",
                        kdc.keytab(LocalKdc.HBASE_SERVICE).toString());
                props.put("cardstream.hbase.kerberosPrincipal", kdc.servicePrincipal(LocalKdc.HBASE_SERVICE));
                props.put("java.security.krb5.conf", kdc.krb5Conf().toString());
            }
            List<String> jvm = new ArrayList<>(List.of(
                    "-Xmx" + config.hbaseHeap(),
                    "-XX:+UseG1GC",
                    "-Djava.awt.headless=true",
                    "-Djava.net.preferIPv4Stack=true"));
            jvm.addAll(HBASE_JVM_FLAGS);
            ChildNode node = ChildNode.launch(
                    HBASE,
                    classpath,
                    jvm,
                    props,
                    config.logDir().resolve("hbase.log"),
                    config.dataDir().resolve("hbase/ready.properties"));
            node.awaitReady(config.startTimeout());
            return new Started(node, zkPort);
        });
    }

    /**
     * Runs {@code attempt}; when all of the service's ports were chosen here and the child lost one to another
     * process between the choice and its bind, tries again on other free ports. A start on a port the caller named
     * is never retried: that port is taken, and the error says so.
     */
    private static Started withPortRetries(String service, boolean portsChosenHere, Supplier<Started> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (LocalStackException e) {
                boolean portTaken = e.getMessage().contains("Address already in use")
                        || e.getMessage().contains("BindException");
                if (!portsChosenHere || !portTaken || i == PORT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn(
                        "{} lost a free port to another process before binding it (attempt {} of {});"
                                + " trying other ports.",
                        service,
                        i,
                        PORT_ATTEMPTS);
            }
        }
    }

    /** A port that is free on 127.0.0.1 now, other than {@code avoid}. */
    static int freePort(int... avoid) {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                int port = socket.getLocalPort();
                if (Arrays.stream(avoid).noneMatch(a -> a == port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("No free port could be found on " + LOOPBACK + ".", e);
            }
        }
        throw new IllegalStateException("No free port other than " + Arrays.toString(avoid) + " was found.");
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException r ? r : e;
    }
}
