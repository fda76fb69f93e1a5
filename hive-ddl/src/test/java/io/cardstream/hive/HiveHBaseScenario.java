package io.cardstream.hive;

import io.cardstream.schema.Column;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import io.cardstream.schema.TableSpec;
import io.cardstream.schema.TxRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.ql.DriverFactory;
import org.apache.hadoop.hive.ql.IDriver;
import org.apache.hadoop.hive.ql.processors.CommandProcessorResponse;
import org.apache.hadoop.hive.ql.session.SessionState;

/**
 * Runs inside {@link IsolatedHive}'s class loader: starts a real HBase mini cluster (no HDFS), creates the schema
 * with the project's own {@link SchemaManager}, writes rows with the project's row codec ({@link TxRow}, in the packed layout and then in the wide one),
 * starts embedded Hive 3.1.3 (Derby metastore, local MapReduce), runs the shipped .hql files unchanged, and
 * returns what each query returned, as tab-separated rows. Only java.* types cross back to the test.
 */
public final class HiveHBaseScenario {

    /** Event time of the first test transaction; the others follow a second apart. */
    public static final long T0 = 1_795_567_257_123L;

    private HiveHBaseScenario() {}

    public static Map<String, List<String>> run(String hqlDir, String workDir) throws Exception {
        Path work = Files.createDirectories(Path.of(workDir));
        Map<String, List<String>> out = new LinkedHashMap<>();
        HBaseTestingUtility util = new HBaseTestingUtility();
        Configuration hbase = util.getConfiguration();
        hbase.setInt("hbase.master.info.port", -1);
        hbase.setInt("hbase.regionserver.info.port", -1);
        hbase.setBoolean("hbase.unsafe.stream.capability.enforce", false);
        util.startMiniZKCluster();
        util.startMiniHBaseCluster(StartMiniClusterOption.builder()
                .numRegionServers(1)
                .createRootDir(true)
                .build());
        try {
            try (Connection connection = ConnectionFactory.createConnection(hbase);
                    Admin admin = connection.getAdmin()) {
                new SchemaManager(admin, Compression.Algorithm.NONE).create();
                writeRows(connection);
            }
            IDriver driver = startHive(hbase, work);
            for (String statement : HqlFiles.statements(Path.of(hqlDir, "create-tables.hql"))) {
                query(driver, statement);
            }
            facade(driver, hqlDir, "", out);
            out.put(
                    "newestBatch",
                    query(
                            driver,
                            "SELECT batch_time, records, latency_p99_ms, amount_sum"
                                    + " FROM cardstream.batch_metrics LIMIT 1"));
            // the same rows in the wide layout, under tx-enriched-wide.hql's table: the same answers
            try (Connection connection = ConnectionFactory.createConnection(hbase);
                    Admin admin = connection.getAdmin()) {
                admin.disableTable(Schema.TX_ENRICHED.tableName());
                admin.deleteTable(Schema.TX_ENRICHED.tableName());
                new SchemaManager(admin, Compression.Algorithm.NONE, RowLayout.WIDE).create();
                writeTransactions(connection, RowLayout.WIDE);
            }
            for (String statement : HqlFiles.statements(Path.of(hqlDir, "tx-enriched-wide.hql"))) {
                query(driver, statement);
            }
            facade(driver, hqlDir, "wide:", out);
            out.put(
                    "unknownFamily",
                    List.of(failure(
                            driver,
                            "CREATE EXTERNAL TABLE cardstream.broken (row_key STRING,"
                                    + " x STRING) STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler' WITH SERDEPROPERTIES"
                                    + " ('hbase.columns.mapping' = ':key,zz:x') TBLPROPERTIES ('hbase.table.name' ="
                                    + " 'cardstream:tx_enriched')")));
            return out;
        } finally {
            util.shutdownMiniHBaseCluster();
            util.shutdownMiniZKCluster();
        }
    }

    /** The facade's queries over tx_enriched, and every statement of queries.hql, under keys starting {@code prefix}. */
    private static void facade(IDriver driver, String hqlDir, String prefix, Map<String, List<String>> out)
            throws Exception {
        out.put(prefix + "describe", query(driver, "DESCRIBE cardstream.tx_enriched"));
        out.put(
                prefix + "all",
                query(
                        driver,
                        "SELECT row_key, tx_id, person_name, company_name, amount, currency,"
                                + " event_time, enrich_status FROM cardstream.tx_enriched"));
        out.put(
                prefix + "byKey",
                query(
                        driver,
                        "SELECT person_name, amount * 2, event_time + 1 FROM cardstream.tx_enriched"
                                + " WHERE row_key = '" + RowKeys.txEnriched("tx-0002") + "'"));
        out.put(
                prefix + "byComputedKey",
                query(
                        driver,
                        "SELECT tx_id FROM cardstream.tx_enriched WHERE row_key ="
                                + " concat(lpad(lower(hex(pmod(crc32('tx-0003'), 16))), 2, '0'), '-', 'tx-0003')"));
        out.put(
                prefix + "aggregate",
                query(
                        driver,
                        "SELECT company_name, count(*), sum(amount) FROM cardstream.tx_enriched"
                                + " GROUP BY company_name ORDER BY company_name"));
        List<String> queries = HqlFiles.statements(Path.of(hqlDir, "queries.hql"));
        for (int i = 0; i < queries.size(); i++) {
            out.put(prefix + "queries.hql#" + (i + 1), query(driver, queries.get(i)));
        }
    }

    /** The three test transactions, in {@code layout}, through the project's own row codec. */
    private static void writeTransactions(Connection connection, RowLayout layout) throws Exception {
        try (Table table = connection.getTable(Schema.TX_ENRICHED.tableName())) {
            table.put(txRow("tx-0001", "P000000001", "José Núñez", "C0000001", "Café <Bistro> & Co", "12.50", 0, "OK")
                    .put(layout, T0));
            table.put(txRow("tx-0002", "P000000002", "Zoë Ødegaard", "C0000002", "Globex", "99.99", 1, "OK")
                    .put(layout, T0));
            table.put(txRow("tx-0003", "P999999999", null, "C0000002", "Globex", "5.00", 2, "PERSON_MISSING")
                    .put(layout, T0));
        }
    }

    private static void writeRows(Connection connection) throws Exception {
        writeTransactions(connection, RowLayout.DEFAULT);
        TableSpec metrics = Schema.BATCH_METRICS;
        try (Table table = connection.getTable(metrics.tableName())) {
            for (long batch : new long[] {T0 - 1000, T0}) {
                Put put = new Put(bytes(RowKeys.batchMetrics(batch)));
                put(put, metrics, "batch_time", Long.toString(batch));
                put(put, metrics, "records", batch == T0 ? "3" : "7");
                put(put, metrics, "latency_p99_ms", batch == T0 ? "850" : "900");
                put(put, metrics, "amount_sum", "117.49");
                table.put(put);
            }
        }
        try (Table table = connection.getTable(Schema.COMPANY.tableName())) {
            table.put(put(
                    put(new Put(bytes("C0000001")), Schema.COMPANY, "name", "Café <Bistro> & Co"),
                    Schema.COMPANY,
                    "category",
                    "Restaurants"));
            table.put(put(
                    put(new Put(bytes("C0000002")), Schema.COMPANY, "name", "Globex"),
                    Schema.COMPANY,
                    "category",
                    "Electronics"));
        }
    }

    /** A row of the scenario: at {@code second} after T0, in euros, processed 700 ms later in the batch of T0 + 1 s. */
    private static TxRow txRow(
            String id,
            String person,
            String cardholder,
            String company,
            String merchant,
            String amount,
            int second,
            String status) {
        long event = T0 + second * 1000L;
        return new TxRow(
                id, person, cardholder, company, merchant, amount, "EUR", event, event + 700, T0 + 1000, status);
    }

    private static Put put(Put put, TableSpec table, String column, String value) {
        Column c = table.column(column);
        return put.addColumn(table.familyBytes(), c.qualifierBytes(), bytes(value));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static IDriver startHive(Configuration hbase, Path work) {
        HiveConf conf = new HiveConf();
        conf.set("fs.defaultFS", "file:///");
        for (String key :
                List.of("hbase.zookeeper.quorum", "hbase.zookeeper.property.clientPort", "zookeeper.znode.parent")) {
            conf.set(key, hbase.get(key));
        }
        conf.set(
                "javax.jdo.option.ConnectionURL",
                "jdbc:derby:;databaseName=" + work.resolve("metastore_db") + ";create=true");
        conf.set("javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver");
        conf.set("datanucleus.schema.autoCreateAll", "true");
        conf.set("hive.metastore.schema.verification", "false");
        conf.set("hive.metastore.uris", "");
        conf.set(
                "hive.metastore.warehouse.dir",
                work.resolve("warehouse").toUri().toString());
        conf.set("metastore.warehouse.dir", work.resolve("warehouse").toUri().toString());
        conf.set("hive.exec.scratchdir", work.resolve("scratch").toString());
        conf.set("hive.exec.local.scratchdir", work.resolve("local-scratch").toString());
        conf.set("hive.downloaded.resources.dir", work.resolve("resources").toString());
        conf.set("hive.querylog.location", work.resolve("querylog").toString());
        conf.set("hive.execution.engine", "mr");
        conf.set("mapreduce.framework.name", "local");
        conf.set("hive.exec.submitviachild", "false");
        // no `hadoop` command in a test JVM: run the map-join local task in-process too
        conf.set("hive.exec.submit.local.task.via.child", "false");
        conf.set("hive.fetch.task.conversion", "more");
        conf.set("hive.support.concurrency", "false");
        conf.set("hive.stats.autogather", "false");
        conf.set("hive.stats.column.autogather", "false");
        conf.set("hive.server2.enable.doAs", "false");
        conf.set("hive.security.authorization.enabled", "false");
        conf.set("hive.metastore.event.db.notification.api.auth", "false");
        conf.set("hive.cbo.enable", "false");
        SessionState.start(new SessionState(conf));
        return DriverFactory.newDriver(conf);
    }

    /** Runs one statement; its rows as tab-separated strings. Fails with Hive's message when Hive refuses it. */
    private static List<String> query(IDriver driver, String sql) throws Exception {
        CommandProcessorResponse response = driver.run(sql);
        if (response.getResponseCode() != 0) {
            throw new IllegalStateException(
                    "Hive refused: " + sql + "\n" + response.getErrorMessage(), response.getException());
        }
        List<String> rows = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        while (driver.getResults(batch)) {
            rows.addAll(batch);
            batch.clear();
        }
        return rows;
    }

    /** Runs a statement that must fail; Hive's error message. */
    private static String failure(IDriver driver, String sql) {
        try {
            CommandProcessorResponse response = driver.run(sql);
            return response.getResponseCode() == 0 ? "NO FAILURE" : String.valueOf(response.getErrorMessage());
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }
}
