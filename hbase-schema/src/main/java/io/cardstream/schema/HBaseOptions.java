package io.cardstream.schema;

import io.cardstream.core.LocalConnection;
import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.ClusterMetrics;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Option;

/**
 * How a command finds HBase, as HBase users expect: {@code --zookeeper-quorum}/{@code --zookeeper-port} win; else an
 * {@code hbase-site.xml} on the classpath (bin/cardstream adds {@code $HBASE_CONF_DIR}); else the running local
 * stack's settings; else HBase's defaults. {@code --hbase-conf} sets any other client property.
 */
public final class HBaseOptions {

    @Option(
            names = "--zookeeper-quorum",
            paramLabel = "HOSTS",
            description = "HBase's ZooKeeper quorum (hbase.zookeeper.quorum). Default: from hbase-site.xml on the"
                    + " classpath, else the running local stack's, else 127.0.0.1.")
    String quorum;

    @Option(
            names = "--zookeeper-port",
            paramLabel = "PORT",
            description = "HBase's ZooKeeper client port (hbase.zookeeper.property.clientPort). Default: as for"
                    + " the quorum, else 2181.")
    Integer port;

    @Option(
            names = "--hbase-conf",
            paramLabel = "KEY=VALUE",
            description = "Any HBase client setting; repeatable, e.g. zookeeper.znode.parent=/hbase-unsecure.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * The settings these options resolve to, as plain properties a job can ship to its executors: the flags, else
     * the running local stack's address when no hbase-site.xml is on the classpath, then every --hbase-conf.
     */
    public Map<String, String> settings() {
        Map<String, String> resolved = new LinkedHashMap<>();
        boolean site = HBaseConfiguration.create().getResource("hbase-site.xml") != null;
        Optional.ofNullable(quorum)
                .or(() -> site ? Optional.empty() : LocalConnection.setting(HConstants.ZOOKEEPER_QUORUM))
                .ifPresent(q -> resolved.put(HConstants.ZOOKEEPER_QUORUM, q));
        Optional.ofNullable(port)
                .map(String::valueOf)
                .or(() -> site ? Optional.empty() : LocalConnection.setting(HConstants.ZOOKEEPER_CLIENT_PORT))
                .ifPresent(p -> resolved.put(HConstants.ZOOKEEPER_CLIENT_PORT, p));
        resolved.putAll(settings);
        return resolved;
    }

    /** The client configuration these options describe, with retries short enough to fail fast at the CLI. */
    public Configuration configuration() {
        Configuration conf = HBaseConfiguration.create();
        conf.setInt(HConstants.HBASE_CLIENT_RETRIES_NUMBER, 5);
        conf.setInt("zookeeper.recovery.retry", 3);
        settings().forEach(conf::set);
        return conf;
    }

    /** Where this configuration points, for messages. */
    public static String describe(Configuration conf) {
        return "ZooKeeper " + conf.get(HConstants.ZOOKEEPER_QUORUM) + ":" + conf.get(HConstants.ZOOKEEPER_CLIENT_PORT)
                + conf.get(HConstants.ZOOKEEPER_ZNODE_PARENT, "/hbase");
    }

    /** A connection, checked with a cheap admin call so an unreachable HBase fails here with a clear message. */
    public static Connection connect(Configuration conf) throws IOException {
        Connection connection = HBaseConnections.open(conf);
        try {
            connection.getAdmin().getClusterMetrics(EnumSet.of(ClusterMetrics.Option.MASTER));
            return connection;
        } catch (IOException e) {
            connection.close();
            throw new IOException(
                    "HBase at " + describe(conf) + " could not be reached (--zookeeper-quorum,"
                            + " --zookeeper-port, or hbase-site.xml): "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }
}
