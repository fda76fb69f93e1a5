package org.apache.hadoop.hbase.security.token;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.security.token.Token;

/**
 * What Spark's HBase delegation token provider calls, by reflection, to get an HBase token for the executors on a
 * Kerberized YARN: {@code org.apache.hadoop.hbase.security.token.TokenUtil.obtainToken(Connection)}. Since HBase 2
 * that class lives in hbase-server, which the job's jar does not bundle and a Spark cluster does not hold: without
 * this class Spark logs "Failed to get token from service hbase due to ClassNotFoundException" and the executors
 * cannot reach HBase (KerberosYarnIT without this class: no offset is ever committed). It does what hbase-server's own does, with the client's {@link ClientTokenUtil}; on a cluster
 * whose classpath has hbase-server, either class serves.
 */
public final class TokenUtil {

    private TokenUtil() {}

    /**
     * The same for the cluster {@code conf} describes: what Spark tries first (HBase 1's method), and without which
     * it logs a NoSuchMethodException before it tries {@link #obtainToken(Connection)}.
     */
    public static Token<AuthenticationTokenIdentifier> obtainToken(Configuration conf) throws IOException {
        try (Connection conn = ConnectionFactory.createConnection(conf)) {
            return obtainToken(conn);
        }
    }

    /** A delegation token of the HBase cluster {@code conn} reaches, for the connection's (Kerberos) user. */
    public static Token<AuthenticationTokenIdentifier> obtainToken(Connection conn) throws IOException {
        return ClientTokenUtil.obtainToken(conn);
    }
}
