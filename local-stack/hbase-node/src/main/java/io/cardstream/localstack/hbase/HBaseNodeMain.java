package io.cardstream.localstack.hbase;

import io.cardstream.localstack.node.NodeSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.LocalHBaseCluster;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.master.HMaster;
import org.apache.hadoop.hbase.regionserver.HRegionServer;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a standalone HBase (one HMaster and one RegionServer as threads, data on the local filesystem) with its
 * own ZooKeeper server, everything bound to 127.0.0.1, in the JVM the local stack starts for it. It is ready when
 * a client connection lists the namespaces (the master has finished initialising); it then writes the ready file
 * the parent waits for, and it stops when the parent closes its standard input or sends SIGTERM.
 */
public final class HBaseNodeMain {

    private static final Logger LOG = LoggerFactory.getLogger(HBaseNodeMain.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final long READY_TIMEOUT_MS = 180_000;
    private static final int ZK_TICK_MS = 500;

    private HBaseNodeMain() {}

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable t) {
            LOG.error("The local HBase failed to start; exiting.", t);
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        Path dataDir = Path.of(NodeSupport.required("cardstream.node.dataDir")).toAbsolutePath();
        Path readyFile = Path.of(NodeSupport.required("cardstream.node.readyFile"));
        int zkPort = Integer.parseInt(NodeSupport.required("cardstream.hbase.zookeeperPort"));
        Files.createDirectories(dataDir);

        Configuration conf = configuration(dataDir, zkPort);
        String keytab = System.getProperty("cardstream.hbase.kerberosKeytab");
        if (keytab != null) {
            kerberize(conf, keytab, NodeSupport.required("cardstream.hbase.kerberosPrincipal"));
        }
        // ZooKeeper keeps its data across restarts on purpose: emptied, its transaction ids would start again
        // below what running clients have seen, and it would refuse their reconnects forever. With a 500 ms tick,
        // sessions last at most 10 s, so the sessions of servers that died expire soon after a restart.
        ZooKeeperServer zk = new ZooKeeperServer(
                dataDir.resolve("zookeeper").toFile(),
                dataDir.resolve("zookeeper").toFile(),
                ZK_TICK_MS);
        NIOServerCnxnFactory zkFactory = new NIOServerCnxnFactory();
        zkFactory.configure(new InetSocketAddress(LOOPBACK, zkPort), 300);
        zkFactory.startup(zk);
        LOG.info("ZooKeeper is listening on {}:{}.", LOOPBACK, zkPort);

        LocalHBaseCluster cluster = new LocalHBaseCluster(conf, 1, 1, HMaster.class, HRegionServer.class);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(cluster, zkFactory, zk), "hbase-node-shutdown"));
        NodeSupport.stopWhenParentGoes(LOG::info, "HBase");
        cluster.startup();

        awaitMaster(conf);
        NodeSupport.writeReadyFile(
                readyFile,
                HConstants.ZOOKEEPER_QUORUM + "=" + LOOPBACK + "\n" + HConstants.ZOOKEEPER_CLIENT_PORT + "=" + zkPort
                        + "\n");
        LOG.info(
                "The local HBase is ready; ZooKeeper quorum {}:{}{}.",
                LOOPBACK,
                zkPort,
                keytab == null
                        ? ""
                        : "; clients must log in with Kerberos (" + conf.get("hbase.master.kerberos.principal") + ")");
        awaitStopped(cluster);
    }

    /**
     * Waits for the master and region server threads to end. Not {@link LocalHBaseCluster#join()}: while it waits
     * it prints a dump of every thread of the JVM once a minute, which made up 90% of a 26-minute benchmark's HBase
     * log (74,442 of 83,113 lines).
     */
    private static void awaitStopped(LocalHBaseCluster cluster) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(cluster.getRegionServers());
        threads.addAll(cluster.getMasters());
        for (Thread thread : threads) {
            thread.join();
        }
    }

    static Configuration configuration(Path dataDir, int zkPort) {
        Configuration conf = HBaseConfiguration.create();
        conf.setBoolean(HConstants.CLUSTER_DISTRIBUTED, false);
        conf.set(HConstants.HBASE_DIR, dataDir.resolve("root").toUri().toString());
        conf.set("hbase.tmp.dir", dataDir.resolve("tmp").toString());
        conf.set("hbase.local.dir", dataDir.resolve("local").toString());
        conf.set("hadoop.tmp.dir", dataDir.resolve("hadoop-tmp").toString());
        conf.set(HConstants.ZOOKEEPER_QUORUM, LOOPBACK);
        conf.setInt(HConstants.ZOOKEEPER_CLIENT_PORT, zkPort);
        conf.set(HConstants.ZOOKEEPER_DATA_DIR, dataDir.resolve("zookeeper").toString());
        // Local filesystem: there is no hflush/hsync capability to enforce.
        conf.setBoolean("hbase.unsafe.stream.capability.enforce", false);
        conf.set("hbase.master.hostname", LOOPBACK);
        conf.set("hbase.regionserver.hostname", LOOPBACK);
        conf.set("hbase.master.ipc.address", LOOPBACK);
        conf.set("hbase.regionserver.ipc.address", LOOPBACK);
        conf.setBoolean(LocalHBaseCluster.ASSIGN_RANDOM_PORTS, true);
        conf.setInt(HConstants.MASTER_PORT, 0);
        conf.setInt(HConstants.REGIONSERVER_PORT, 0);
        conf.setInt(HConstants.MASTER_INFO_PORT, -1);
        conf.setInt(HConstants.REGIONSERVER_INFO_PORT, -1);
        // One RegionServer is all there will ever be: do not wait 4.5 s for more.
        conf.setInt("hbase.master.wait.on.regionservers.mintostart", 1);
        conf.setInt("hbase.master.wait.on.regionservers.maxtostart", 1);
        // The stack's tuning for a laptop's shared cores (LocalStackConfig.HBASE_TUNING) and the caller's settings,
        // e.g. -Dcardstream.hbase.conf.hbase.regionserver.handler.count=60
        String prefix = "cardstream.hbase.conf.";
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith(prefix))
                .forEach(k -> conf.set(k.substring(prefix.length()), System.getProperty(k)));
        return conf;
    }

    /**
     * Kerberizes the master and the region server: they take only clients with a Kerberos ticket, and log in as
     * {@code principal} (hbase/localhost@REALM) from {@code keytab}. Kerberos wants host names: both advertise
     * {@code localhost} (still bound to 127.0.0.1), the host their principals are for. ZooKeeper stays open to all.
     */
    static void kerberize(Configuration conf, String keytab, String principal) throws IOException {
        String pattern = principal.replace("/localhost@", "/_HOST@");
        conf.set("hadoop.security.authentication", "kerberos");
        conf.set("hbase.security.authentication", "kerberos");
        conf.set("hbase.master.kerberos.principal", pattern);
        conf.set("hbase.regionserver.kerberos.principal", pattern);
        conf.set("hbase.master.keytab.file", keytab);
        conf.set("hbase.regionserver.keytab.file", keytab);
        conf.set("hbase.master.hostname", "localhost");
        conf.set("hbase.regionserver.hostname", "localhost");
        // HBase hands out delegation tokens (what Spark's HBase token provider asks for on YARN) only with this
        conf.set("hbase.coprocessor.region.classes", "org.apache.hadoop.hbase.security.token.TokenProvider");
        UserGroupInformation.setConfiguration(conf);
        UserGroupInformation.loginUserFromKeytab(principal, keytab);
        LOG.info("HBase logged in to Kerberos as {}.", principal);
    }

    private static void awaitMaster(Configuration serverConf) throws Exception {
        Configuration client = new Configuration(serverConf);
        client.setInt(HConstants.HBASE_CLIENT_RETRIES_NUMBER, 3);
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        try (Connection connection = ConnectionFactory.createConnection(client);
                Admin admin = connection.getAdmin()) {
            while (true) {
                try {
                    NamespaceDescriptor[] namespaces = admin.listNamespaceDescriptors();
                    if (namespaces.length >= 2) {
                        return;
                    }
                } catch (IOException notYet) {
                    if (System.currentTimeMillis() > deadline) {
                        throw notYet;
                    }
                }
                Thread.sleep(200);
            }
        }
    }

    private static void stop(LocalHBaseCluster cluster, NIOServerCnxnFactory zkFactory, ZooKeeperServer zk) {
        LOG.info("The local HBase is shutting down.");
        long start = System.nanoTime();
        cluster.shutdown();
        try {
            awaitStopped(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        zkFactory.shutdown();
        zk.shutdown();
        LOG.info("The local HBase stopped in {} ms.", (System.nanoTime() - start) / 1_000_000);
    }
}
