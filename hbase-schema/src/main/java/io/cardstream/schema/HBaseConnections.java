package io.cardstream.schema;

import io.cardstream.core.Causes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.security.auth.login.LoginException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.AuthUtil;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Opens HBase connections for every cardstream command and for the job, Kerberos included. HBase's client logs in
 * from a keytab by itself ({@code hbase.client.keytab.file} and {@code hbase.client.keytab.principal}, with
 * {@code hbase.security.authentication=kerberos}), but only once Hadoop's login layer knows that security is on, and
 * that layer reads {@code core-site.xml}, not {@code hbase-site.xml}: this tells it from the HBase configuration.
 * Without those keytab settings the connection uses the JVM's current user: a ticket cache ({@code kinit}), or on
 * YARN the delegation tokens Spark obtained for the job.
 */
public final class HBaseConnections {

    /** Hadoop's {@code hadoop.security.authentication}. */
    public static final String HADOOP_AUTHENTICATION = "hadoop.security.authentication";

    public static final String HBASE_AUTHENTICATION = "hbase.security.authentication";

    private HBaseConnections() {}

    /** Whether {@code conf} asks for Kerberos (HBase's setting, which HBase's own tools go by). */
    public static boolean kerberos(Configuration conf) {
        return "kerberos".equalsIgnoreCase(conf.get(HBASE_AUTHENTICATION));
    }

    /**
     * A connection as {@code conf} describes it. With Kerberos: a missing keytab file, or a principal the KDC or the
     * keytab does not know, fails here with a message naming the setting (never a secret: a keytab's path and a
     * principal's name are not).
     */
    public static Connection open(Configuration conf) throws IOException {
        if (kerberos(conf)) {
            login(conf);
        }
        return ConnectionFactory.createConnection(conf);
    }

    /** Checks the keytab settings, then tells Hadoop's login layer that security is on, and logs in. */
    private static void login(Configuration conf) throws IOException {
        checkKeytabSettings(conf);
        if (!"kerberos".equalsIgnoreCase(conf.get(HADOOP_AUTHENTICATION))) {
            // HBase's Kerberos needs Hadoop's: the client would otherwise offer no credentials at all
            conf.set(HADOOP_AUTHENTICATION, "kerberos");
        }
        try {
            UserGroupInformation.setConfiguration(conf);
        } catch (IllegalArgumentException e) {
            // Hadoop's words for a JVM that finds no krb5.conf, or one without a default realm
            throw new IOException(
                    "Invalid setting " + HBASE_AUTHENTICATION + "=kerberos: this JVM has no usable Kerberos"
                            + " configuration (" + Causes.oneLine(e)
                            + "). Point java.security.krb5.conf (KRB5_CONFIG for"
                            + " bin/cardstream) at the realm's krb5.conf, or install /etc/krb5.conf.",
                    e);
        }
        String principal = conf.get(AuthUtil.HBASE_CLIENT_KERBEROS_PRINCIPAL);
        if (principal == null) {
            return;
        }
        try {
            AuthUtil.loginClient(conf);
        } catch (IOException e) {
            String reason =
                    Causes.find(e, LoginException.class).map(Causes::oneLine).orElseGet(() -> Causes.oneLine(e));
            throw new IOException(
                    "Invalid setting " + AuthUtil.HBASE_CLIENT_KERBEROS_PRINCIPAL + ": the Kerberos login of "
                            + principal + " with the keytab " + conf.get(AuthUtil.HBASE_CLIENT_KEYTAB_FILE)
                            + " was refused (" + reason
                            + "). Check the principal's name and realm, the keytab, and the KDC in krb5.conf"
                            + " (java.security.krb5.conf).",
                    e);
        }
    }

    /**
     * A keytab login needs both {@code hbase.client.keytab.file} and {@code hbase.client.keytab.principal}, and a
     * keytab this process can read; neither (a ticket cache, or delegation tokens on YARN) is fine too.
     */
    static void checkKeytabSettings(Configuration conf) throws IOException {
        String keytab = conf.get(AuthUtil.HBASE_CLIENT_KEYTAB_FILE);
        String principal = conf.get(AuthUtil.HBASE_CLIENT_KERBEROS_PRINCIPAL);
        if (keytab == null && principal == null) {
            return;
        }
        if (keytab == null || principal == null) {
            throw new IOException("Invalid setting "
                    + (keytab == null ? AuthUtil.HBASE_CLIENT_KEYTAB_FILE : AuthUtil.HBASE_CLIENT_KERBEROS_PRINCIPAL)
                    + ": HBase's Kerberos login from a keytab needs both " + AuthUtil.HBASE_CLIENT_KEYTAB_FILE
                    + " and " + AuthUtil.HBASE_CLIENT_KERBEROS_PRINCIPAL + "; only the other is set.");
        }
        if (!Files.isReadable(Path.of(keytab))) {
            throw new IOException("Invalid setting " + AuthUtil.HBASE_CLIENT_KEYTAB_FILE + ": the keytab " + keytab
                    + " does not exist or cannot be read.");
        }
    }
}
