package io.cardstream.localstack.kafka;

import io.cardstream.localstack.node.NodeSupport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Kafka broker in KRaft mode (broker and controller in one node) bound to 127.0.0.1, in the JVM the
 * local stack starts for it. It is ready when its own admin client gets an answer to a metadata request; it then
 * writes the ready file the parent waits for, and it stops when the parent closes its standard input or sends
 * SIGTERM.
 */
public final class KafkaNodeMain {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaNodeMain.class);

    private KafkaNodeMain() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable t) {
            LOG.error("The local Kafka broker failed to start; exiting.", t);
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        Path dataDir = Path.of(NodeSupport.required("cardstream.node.dataDir"));
        Path readyFile = Path.of(NodeSupport.required("cardstream.node.readyFile"));
        int port = Integer.parseInt(NodeSupport.required("cardstream.kafka.port"));
        int controllerPort = Integer.parseInt(NodeSupport.required("cardstream.kafka.controllerPort"));
        int partitions = Integer.getInteger("cardstream.kafka.defaultPartitions", 4);

        Integer saslPort = Integer.getInteger("cardstream.kafka.saslPort");
        Integer saslSslPort = Integer.getInteger("cardstream.kafka.saslSslPort");
        Properties scramUsers = new Properties();
        String usersFile = System.getProperty("cardstream.kafka.scramUsersFile");
        if (usersFile != null) {
            try (var in = Files.newBufferedReader(Path.of(usersFile), StandardCharsets.UTF_8)) {
                scramUsers.load(in);
            }
        }

        Properties props = brokerProperties(dataDir, port, controllerPort, partitions);
        if (saslPort != null) {
            addScramListeners(props, port, controllerPort, saslPort, saslSslPort);
            if (saslSslPort != null) {
                String password = Files.readString(
                                Path.of(NodeSupport.required("cardstream.kafka.tlsPasswordFile")),
                                StandardCharsets.UTF_8)
                        .trim();
                props.setProperty("ssl.keystore.type", "PKCS12");
                props.setProperty("ssl.keystore.location", NodeSupport.required("cardstream.kafka.keystore"));
                props.setProperty("ssl.keystore.password", password);
                props.setProperty("ssl.key.password", password);
            }
        }
        Integer kerberosPort = Integer.getInteger("cardstream.kafka.kerberosPort");
        Files.createDirectories(dataDir);
        if (kerberosPort != null) {
            addKerberosListener(
                    props,
                    kerberosPort,
                    NodeSupport.required("cardstream.kafka.kerberosKeytab"),
                    NodeSupport.required("cardstream.kafka.kerberosPrincipal"));
            props.setProperty("delegation.token.secret.key", delegationTokenSecret(dataDir));
        }
        Path configFile = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            props.store(out, "Written by the cardstream local stack at every start");
        }
        // it may hold the keystore's password: for the owner's eyes only
        Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));
        format(configFile, clusterId(dataDir), scramUsers);

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("The local Kafka broker is shutting down.");
                            server.shutdown();
                            server.awaitShutdown();
                        },
                        "kafka-node-shutdown"));
        NodeSupport.stopWhenParentGoes(LOG::info, "the broker");
        server.startup();

        String bootstrap = "127.0.0.1:" + port;
        awaitMetadata(bootstrap);
        NodeSupport.writeReadyFile(readyFile, "bootstrap.servers=" + bootstrap + "\n");
        LOG.info("The local Kafka broker is ready at {} (controller on port {}).", bootstrap, controllerPort);
        if (saslPort != null) {
            LOG.info(
                    "It also listens with SCRAM-SHA-512 for the users {}: SASL_PLAINTEXT at 127.0.0.1:{}, SASL_SSL at"
                            + " 127.0.0.1:{}.",
                    new java.util.TreeSet<>(scramUsers.stringPropertyNames()),
                    saslPort,
                    saslSslPort);
        }
        if (kerberosPort != null) {
            LOG.info(
                    "It also listens with SASL_PLAINTEXT and GSSAPI (Kerberos, as {}) at localhost:{}, where it issues"
                            + " delegation tokens and accepts them (SCRAM-SHA-512).",
                    System.getProperty("cardstream.kafka.kerberosPrincipal"),
                    kerberosPort);
        }
        server.awaitShutdown();
    }

    static Properties brokerProperties(Path dataDir, int port, int controllerPort, int partitions) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("data").toAbsolutePath().toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        // the job's dead-letter transactions: 4 partitions of the state log start faster than the default 50
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // a compacted topic is cleaned within seconds (the default waits 15 s between looks)
        p.setProperty("log.cleaner.backoff.ms", "1000");
        p.setProperty("auto.create.topics.enable", "false");
        return p;
    }

    /**
     * Client listeners with SCRAM-SHA-512: SASL_PLAINTEXT, and SASL_SSL when {@code saslSslPort} is given. The broker
     * itself needs no credentials on them (inter-broker and controller traffic stay on their PLAINTEXT listeners),
     * so their login modules hold none.
     */
    static void addScramListeners(Properties p, int port, int controllerPort, int saslPort, Integer saslSslPort) {
        String clients = "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                + (saslSslPort == null ? "" : ",SASL_SSL://127.0.0.1:" + saslSslPort);
        p.setProperty("listeners", clients + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", clients);
        p.setProperty(
                "listener.security.protocol.map",
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
        p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        for (String listener : List.of("sasl_plaintext", "sasl_ssl")) {
            p.setProperty(
                    "listener.name." + listener + ".scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
    }

    /**
     * A client listener named KERBEROS: SASL_PLAINTEXT with GSSAPI, bound to 127.0.0.1 and advertised as
     * {@code localhost} (a client asks the KDC for a ticket to {@code kafka/<advertised host>}). The broker accepts
     * with its own principal's keytab; inter-broker and controller traffic stay on PLAINTEXT.
     */
    static void addKerberosListener(Properties p, int port, String keytab, String principal) {
        p.setProperty("listeners", p.getProperty("listeners") + ",KERBEROS://127.0.0.1:" + port);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + ",KERBEROS://localhost:" + port);
        p.setProperty(
                "listener.security.protocol.map",
                p.getProperty("listener.security.protocol.map") + ",KERBEROS:SASL_PLAINTEXT");
        // SCRAM beside GSSAPI: a Kafka delegation token (Spark's, for executors without the keytab) logs in with it
        p.setProperty("listener.name.kerberos.sasl.enabled.mechanisms", "GSSAPI,SCRAM-SHA-512");
        p.setProperty("sasl.kerberos.service.name", "kafka");
        p.setProperty(
                "listener.name.kerberos.gssapi.sasl.jaas.config",
                "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab=\"" + keytab
                        + "\" principal=\"" + principal + "\";");
        p.setProperty(
                "listener.name.kerberos.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }

    /**
     * The key the broker signs delegation tokens with (setting it enables them): random, made with the data
     * directory and kept in it for the owner only, so that tokens outlive a restart on the same directory.
     */
    private static String delegationTokenSecret(Path dataDir) throws IOException {
        Path file = dataDir.resolve("delegation-token.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, HexFormat.of().formatHex(key), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** The id the log directory was formatted with; a restart on the same directory must reuse it. */
    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    /**
     * Formats the log directory unless it is formatted already; SCRAM users are created with the first format
     * (they live in the metadata log, so a restart keeps them).
     */
    private static void format(Path configFile, String clusterId, Properties scramUsers) throws IOException {
        List<String> args =
                new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile.toString(), "--ignore-formatted"));
        for (String user : new java.util.TreeSet<>(scramUsers.stringPropertyNames())) {
            args.add("--add-scram");
            args.add("SCRAM-SHA-512=[name=" + user + ",password=" + scramUsers.getProperty(user) + "]");
        }
        int rc = StorageTool.execute(
                args.toArray(String[]::new), new PrintStream(System.out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IOException("Formatting the Kafka log directory failed with exit code " + rc + ".");
        }
    }

    private static void awaitMetadata(String bootstrap) throws Exception {
        Properties admin = new Properties();
        admin.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin client = Admin.create(admin)) {
            int nodes =
                    client.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
            if (nodes == 0) {
                throw new IllegalStateException("The broker answered a metadata request with no nodes.");
            }
        }
    }
}
