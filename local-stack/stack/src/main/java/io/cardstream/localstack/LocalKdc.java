package io.cardstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's Kerberos: a real KDC (Apache Kerby's {@code SimpleKdcServer}, the one Kafka's and Hadoop's own
 * tests use) in the stack's JVM, on a free TCP port of localhost, for the realm {@value #REALM}. At each start it
 * makes the services' principals and the client's afresh (its database lives in memory) and writes, under
 * {@code <dataDir>/kerberos}: {@code krb5.conf}, one keytab for each principal (owner-only), and the two files a
 * client needs, {@code kafka-client.properties} (GSSAPI, keytab login) and {@code hbase-site.xml}.
 *
 * <p>Principals: {@code hbase/localhost} (HBase's master and region server), {@code kafka/localhost} (the broker's
 * SASL_PLAINTEXT/GSSAPI listener) and {@value #CLIENT} (every cardstream command). Kerberos wants host names, not
 * addresses: the Kerberized services advertise {@code localhost}.
 */
public final class LocalKdc implements AutoCloseable {

    public static final String REALM = "CARDSTREAM.LOCAL";
    /** The host name the Kerberized services advertise, and the instance of their principals. */
    public static final String HOST = "localhost";
    /** The client principal's name (without the realm). */
    public static final String CLIENT = "cardstream";
    /** Kafka's {@code sasl.kerberos.service.name}. */
    public static final String KAFKA_SERVICE = "kafka";

    public static final String HBASE_SERVICE = "hbase";

    private static final Logger LOG = LoggerFactory.getLogger(LocalKdc.class);

    private final SimpleKdcServer kdc;
    private final Path dir;
    private final int port;

    private LocalKdc(SimpleKdcServer kdc, Path dir, int port) {
        this.kdc = kdc;
        this.dir = dir;
        this.port = port;
    }

    /** Starts the KDC, makes the principals and writes the files under {@code dir}. */
    static LocalKdc start(Path dir) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(dir);
            for (String file : List.of("krb5.conf", "hbase.keytab", "kafka.keytab", CLIENT + ".keytab")) {
                // a keytab is appended to, not replaced: the last start's keys would stay in it
                Files.deleteIfExists(dir.resolve(file));
            }
            int port = LocalStack.freePort();
            SimpleKdcServer kdc = new SimpleKdcServer();
            kdc.setWorkDir(dir.toFile());
            kdc.setKdcHost(HOST);
            kdc.setKdcRealm(REALM);
            kdc.setAllowUdp(false);
            kdc.setAllowTcp(true);
            kdc.setKdcTcpPort(port);
            kdc.init();
            kdc.start();
            LocalKdc local = new LocalKdc(kdc, dir, port);
            kdc.createAndExportPrincipals(local.keytab(HBASE_SERVICE).toFile(), HBASE_SERVICE + "/" + HOST);
            kdc.createAndExportPrincipals(local.keytab(KAFKA_SERVICE).toFile(), KAFKA_SERVICE + "/" + HOST);
            kdc.createAndExportPrincipals(local.clientKeytab().toFile(), CLIENT);
            for (String service : List.of(HBASE_SERVICE, KAFKA_SERVICE, CLIENT)) {
                Files.setPosixFilePermissions(local.keytab(service), PosixFilePermissions.fromString("rw-------"));
            }
            local.writeClientFiles();
            LOG.info(
                    "The local KDC (realm {}) is listening on {}:{}; principals, keytabs and krb5.conf are in {}"
                            + " (started in {} ms).",
                    REALM,
                    HOST,
                    port,
                    dir,
                    (System.nanoTime() - start) / 1_000_000);
            return local;
        } catch (KrbException e) {
            throw new LocalStackException(
                    "KDC", "The local KDC could not be started in " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("The local KDC's files could not be written to " + dir + ".", e);
        }
    }

    /** The realm's {@code krb5.conf}, for {@code -Djava.security.krb5.conf} (or {@code KRB5_CONFIG}). */
    public Path krb5Conf() {
        return dir.resolve("krb5.conf");
    }

    /** The KDC's TCP port on localhost. */
    public int port() {
        return port;
    }

    /** The client principal, {@code cardstream@CARDSTREAM.LOCAL}. */
    public String clientPrincipal() {
        return CLIENT + "@" + REALM;
    }

    /** The client principal's keytab. */
    public Path clientKeytab() {
        return keytab(CLIENT);
    }

    /** HBase's principal as clients name it, {@code hbase/_HOST@CARDSTREAM.LOCAL}. */
    public String hbasePrincipalPattern() {
        return HBASE_SERVICE + "/_HOST@" + REALM;
    }

    /** A service's principal on {@link #HOST}, e.g. {@code kafka/localhost@CARDSTREAM.LOCAL}. */
    public String servicePrincipal(String service) {
        return service + "/" + HOST + "@" + REALM;
    }

    /** The keytab of {@code service} (hbase, kafka) or of the client. */
    public Path keytab(String service) {
        return dir.resolve(service + ".keytab");
    }

    /**
     * Makes one more principal (e.g. {@code yarn/localhost} for a test's YARN) with a random key, exported to an
     * owner-only keytab in the stack's Kerberos directory; returns the keytab.
     */
    public Path createPrincipal(String name) {
        Path keytab = dir.resolve(name.replace('/', '_') + ".keytab");
        try {
            Files.deleteIfExists(keytab);
            kdc.createAndExportPrincipals(keytab.toFile(), name);
            Files.setPosixFilePermissions(keytab, PosixFilePermissions.fromString("rw-------"));
            return keytab;
        } catch (KrbException e) {
            throw new LocalStackException("KDC", "The principal " + name + " could not be made: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("The keytab " + keytab + " could not be written.", e);
        }
    }

    /** The Kafka client file that logs the client principal in with its keytab over SASL_PLAINTEXT/GSSAPI. */
    public Path kafkaClientFile() {
        return dir.resolve("kafka-client.properties");
    }

    /** The {@code hbase-site.xml} that logs the client principal in to the Kerberized HBase (its directory is an HBASE_CONF_DIR). */
    public Path hbaseSiteFile() {
        return dir.resolve("hbase-site.xml");
    }

    /** Kafka client settings for {@code principal} from {@code keytab}, right or wrong. */
    public static Map<String, String> kafkaClientProperties(String principal, Path keytab) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "GSSAPI");
        props.put("sasl.kerberos.service.name", KAFKA_SERVICE);
        props.put(
                "sasl.jaas.config",
                "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab=\"" + keytab
                        + "\" principal=\"" + principal + "\";");
        return props;
    }

    /**
     * HBase client settings for {@code principal} from {@code keytab} (HBase's client logs in itself from them), right
     * or wrong; without a ZooKeeper address.
     */
    public Map<String, String> hbaseClientSettings(String principal, Path keytab) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hadoop.security.authentication", "kerberos");
        settings.put("hbase.security.authentication", "kerberos");
        settings.put("hbase.master.kerberos.principal", hbasePrincipalPattern());
        settings.put("hbase.regionserver.kerberos.principal", hbasePrincipalPattern());
        settings.put("hbase.client.keytab.file", keytab.toString());
        settings.put("hbase.client.keytab.principal", principal);
        return settings;
    }

    /** Writes the client's files; the HBase one gets the ZooKeeper address later ({@link #writeHBaseSite}). */
    private void writeClientFiles() throws IOException {
        StringBuilder kafka = new StringBuilder("# Kafka client settings for the local stack's Kerberos listener\n");
        kafkaClientProperties(clientPrincipal(), clientKeytab())
                .forEach((k, v) -> kafka.append(k)
                        .append('=')
                        .append(v.replace("\\", "\\\\"))
                        .append('\n'));
        Files.writeString(kafkaClientFile(), kafka, StandardCharsets.UTF_8);
    }

    /** The client's {@code hbase-site.xml}, with HBase's ZooKeeper address. */
    void writeHBaseSite(String quorum, int zookeeperPort) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hbase.zookeeper.quorum", quorum);
        settings.put("hbase.zookeeper.property.clientPort", Integer.toString(zookeeperPort));
        settings.putAll(hbaseClientSettings(clientPrincipal(), clientKeytab()));
        StringBuilder xml = new StringBuilder(
                "<?xml version=\"1.0\"?>\n"
                        + "<!-- HBase client settings for the cardstream local stack's Kerberized HBase -->\n<configuration>\n");
        settings.forEach((k, v) -> xml.append("  <property><name>")
                .append(k)
                .append("</name><value>")
                .append(v)
                .append("</value></property>\n"));
        xml.append("</configuration>\n");
        try {
            Files.writeString(hbaseSiteFile(), xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The file " + hbaseSiteFile() + " could not be written.", e);
        }
    }

    /** Stops the KDC; tickets already issued stay valid until they expire. */
    @Override
    public void close() {
        try {
            kdc.stop();
        } catch (KrbException e) {
            LOG.warn("The local KDC did not stop cleanly: {}", e.getMessage());
        }
    }
}
