package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DimensionIds;
import io.cardstream.localstack.LocalStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** The schema tool and the loader against a real HBase, through the same commands users run. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.hbaseOnly();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--zookeeper-quorum", "127.0.0.1", "--zookeeper-port", Integer.toString(STACK.zookeeperPort())));
        return cli.execute(all.toArray(String[]::new));
    }

    private Connection connect() throws Exception {
        Configuration conf = new HBaseOptions().configuration();
        STACK.hbaseSettings().forEach(conf::set);
        return HBaseOptions.connect(conf);
    }

    @Test
    @Order(1)
    void createMakesEveryTableAndASecondCreateChangesNothing() throws Exception {
        assertThat(run(new SchemaCommand(), "create")).isZero();
        assertThat(out.toString())
                .contains("Created namespace cardstream")
                .contains("Created table cardstream:tx_enriched (16 regions, row layout packed)");
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            assertThat(admin.getRegions(Schema.TX_ENRICHED.tableName())).hasSize(16);
            assertThat(RowLayout.of(admin.getDescriptor(Schema.TX_ENRICHED.tableName())))
                    .isEqualTo(RowLayout.PACKED);
            assertThat(new SchemaManager(admin, Compression.Algorithm.NONE, RowLayout.WIDE).verify())
                    .containsExactly("table cardstream:tx_enriched: row layout is packed, expected wide");
            for (TableSpec t : Schema.TABLES) {
                assertThat(admin.tableExists(t.tableName())).as(t.name()).isTrue();
            }
        }
        StringWriter second = new StringWriter();
        CommandLine cli = new CommandLine(new SchemaCommand());
        cli.setOut(new PrintWriter(second, true));
        assertThat(cli.execute(
                        "create",
                        "--zookeeper-quorum",
                        "127.0.0.1",
                        "--zookeeper-port",
                        Integer.toString(STACK.zookeeperPort())))
                .isZero();
        assertThat(second.toString()).doesNotContain("Created").contains("exists and matches the schema; unchanged");
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            assertThat(new SchemaManager(admin, Compression.Algorithm.NONE).verify())
                    .isEmpty();
        }
    }

    @Test
    @Order(2)
    void loadDimensionsWritesTheRowsTheProducersIdsPointAt() throws Exception {
        assertThat(run(new LoadDimensionsCommand(), "--persons", "20000", "--companies", "2000", "--seed", "3"))
                .isZero();
        assertThat(out.toString())
                .contains("Loaded 20,000 rows into cardstream:person")
                .contains("Loaded 2,000 rows into cardstream:company");
        NameGenerator names = new NameGenerator(3);
        try (Connection c = connect();
                Table persons = c.getTable(Schema.PERSON.tableName());
                Table companies = c.getTable(Schema.COMPANY.tableName())) {
            for (long n : new long[] {0, 1, 4_321, 19_999}) {
                Result r = persons.get(new Get(Bytes.toBytes(DimensionIds.personId(n))));
                assertThat(Bytes.toString(r.getValue(
                                Schema.PERSON.familyBytes(),
                                Schema.PERSON.column("name").qualifierBytes())))
                        .isEqualTo(names.person(n).name());
            }
            assertThat(persons.exists(new Get(Bytes.toBytes(DimensionIds.personId(20_000)))))
                    .isFalse();
            Result company = companies.get(new Get(Bytes.toBytes(DimensionIds.companyId(1_999))));
            assertThat(Bytes.toString(company.getValue(
                            Schema.COMPANY.familyBytes(),
                            Schema.COMPANY.column("category").qualifierBytes())))
                    .isEqualTo(names.company(1_999).category());
        }
    }

    /** Moving a wide table: a clone of it copied into the new packed tx_enriched, each row at its own version. */
    @Test
    @Order(3)
    void copyRowsMovesAWideTableIntoThePackedOneKeepingEachRowsVersion() throws Exception {
        TableName wide = TableName.valueOf("cardstream:tx_enriched_wide");
        List<TxRow> rows = List.of(
                new TxRow("w-1", "P1", "Ann \"A\" Lee", "C1", "ACME", "1.50", "EUR", 1_000, 1_700, 2_000, "OK"),
                new TxRow("w-2", "P2", null, "C2", "Globex", "2.00", "EUR", 3_000, 3_700, 4_000, "PERSON_MISSING"));
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            admin.createTable(TableDescriptorBuilder.newBuilder(wide)
                    .setColumnFamily(ColumnFamilyDescriptorBuilder.of(Schema.TX_ENRICHED.familyBytes()))
                    .build());
            try (Table t = c.getTable(wide)) {
                for (TxRow r : rows) {
                    t.put(r.put(RowLayout.WIDE, r.eventTime() * 1_000_000L + 7));
                }
            }
        }
        assertThat(run(new SchemaCommand(), "copy-rows", "--from", wide.getNameAsString()))
                .isZero();
        assertThat(out.toString())
                .contains("Copied 2 rows from cardstream:tx_enriched_wide (wide layout) into cardstream:tx_enriched"
                        + " (packed layout), each at its own version.");
        try (Connection c = connect();
                Table t = c.getTable(Schema.TX_ENRICHED.tableName())) {
            for (TxRow r : rows) {
                Result stored = t.get(new Get(r.rowKey()));
                assertThat(stored.size()).as("cells of %s", r.txId()).isOne();
                assertThat(stored.rawCells()[0].getTimestamp()).isEqualTo(r.eventTime() * 1_000_000L + 7);
                assertThat(TxRow.read(stored)).isEqualTo(r);
            }
            t.delete(new ArrayList<>(
                    rows.stream().map(r -> new Delete(r.rowKey())).toList()));
        }
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            admin.disableTable(wide);
            admin.deleteTable(wide);
        }
    }

    @Test
    @Order(4)
    void verifyReportsADroppedFamilyAndCreateDoesNotAlterIt() throws Exception {
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            admin.addColumnFamily(Schema.COMPANY.tableName(), ColumnFamilyDescriptorBuilder.of("x"));
            admin.deleteColumnFamily(Schema.COMPANY.tableName(), Schema.COMPANY.familyBytes());
        }
        assertThat(run(new SchemaCommand(), "verify")).isEqualTo(1);
        assertThat(err.toString())
                .contains("table cardstream:company: family c is missing")
                .contains("table cardstream:company: family x is not in the schema");

        assertThat(run(new SchemaCommand(), "create")).isEqualTo(1);
        assertThat(out.toString()).contains("Table cardstream:company exists but differs from the schema; NOT altered");
        try (Connection c = connect();
                Admin admin = c.getAdmin()) {
            assertThat(admin.getDescriptor(Schema.COMPANY.tableName()).hasColumnFamily(Bytes.toBytes("x")))
                    .isTrue();
        }
    }

    @Test
    @Order(5)
    void dropNeedsConfirmationThenRemovesEverything() throws Exception {
        assertThat(run(new SchemaCommand(), "drop")).isEqualTo(2);
        assertThat(err.toString()).contains("--yes");
        assertThat(run(new SchemaCommand(), "drop", "--yes")).isZero();
        assertThat(out.toString()).contains("cardstream:tx_enriched");
        assertThat(run(new SchemaCommand(), "verify")).isEqualTo(1);
        assertThat(err.toString()).contains("namespace cardstream is missing");
    }

    @Test
    @Order(6)
    void anUnreachableHBaseFailsWithAMessageNamingWhereItLooked() {
        CommandLine cli = new CommandLine(new SchemaCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        int free = 1;
        try (var s = new java.net.ServerSocket(0)) {
            free = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(cli.execute(
                        "verify",
                        "--zookeeper-quorum",
                        "127.0.0.1",
                        "--zookeeper-port",
                        Integer.toString(free),
                        "--hbase-conf",
                        "hbase.client.operation.timeout=5000"))
                .isEqualTo(1);
        assertThat(err.toString()).contains("could not be reached").contains("127.0.0.1:" + free);
    }
}
