package io.cardstream.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.compress.Compression;

/**
 * Brings a live HBase in line with {@link Schema}, or says how it differs. {@link #create} is idempotent: it makes
 * what is missing, leaves what matches, and reports (never alters) a table that differs, because altering a
 * production table is an operator's decision.
 */
public final class SchemaManager {

    private final Admin admin;
    private final Compression.Algorithm compression;
    private final RowLayout layout;

    /** A manager of the default row layout's schema. */
    public SchemaManager(Admin admin, Compression.Algorithm compression) {
        this(admin, compression, RowLayout.DEFAULT);
    }

    /**
     * @param compression the compression of every family; NONE unless the cluster has the codec
     * @param layout      the row layout {@code tx_enriched} is created for, and checked against
     */
    public SchemaManager(Admin admin, Compression.Algorithm compression, RowLayout layout) {
        this.admin = admin;
        this.compression = compression;
        this.layout = layout;
    }

    /** The descriptor {@code spec}'s table is created with: {@code tx_enriched}'s records its row layout. */
    private TableDescriptor descriptor(TableSpec spec) {
        TableDescriptor d = spec.descriptor(compression);
        if (spec != Schema.TX_ENRICHED) {
            return d;
        }
        return TableDescriptorBuilder.newBuilder(d)
                .setValue(RowLayout.TABLE_KEY, layout.id())
                .build();
    }

    /** What {@link #create} did: lines for the operator, and whether some existing table differs. */
    public record CreateReport(List<String> lines, List<String> created, List<String> differences) {}

    public CreateReport create() throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        if (!namespaceExists()) {
            admin.createNamespace(NamespaceDescriptor.create(Schema.NAMESPACE).build());
            created.add(Schema.NAMESPACE);
            lines.add("Created namespace " + Schema.NAMESPACE + ".");
        } else {
            lines.add("Namespace " + Schema.NAMESPACE + " exists.");
        }
        for (TableSpec spec : Schema.TABLES) {
            TableName name = spec.tableName();
            if (!admin.tableExists(name)) {
                if (spec.splits().isEmpty()) {
                    admin.createTable(descriptor(spec));
                } else {
                    admin.createTable(descriptor(spec), spec.splitKeys());
                }
                created.add(name.getNameAsString());
                lines.add("Created table " + name + " (" + (spec.splits().size() + 1) + " regions"
                        + (spec == Schema.TX_ENRICHED ? ", row layout " + layout : "") + ").");
                continue;
            }
            List<String> tableDiffs = differences(spec, admin.getDescriptor(name));
            if (tableDiffs.isEmpty()) {
                lines.add("Table " + name + " exists and matches the schema; unchanged.");
            } else {
                differences.addAll(tableDiffs);
                lines.add("Table " + name + " exists but differs from the schema; NOT altered:");
                tableDiffs.forEach(d -> lines.add("  " + d));
            }
        }
        return new CreateReport(lines, created, differences);
    }

    /** Every way the live HBase differs from {@link Schema}; empty when it matches. */
    public List<String> verify() throws IOException {
        List<String> diffs = new ArrayList<>();
        if (!namespaceExists()) {
            diffs.add("namespace " + Schema.NAMESPACE + " is missing");
            return diffs;
        }
        for (TableSpec spec : Schema.TABLES) {
            if (!admin.tableExists(spec.tableName())) {
                diffs.add("table " + spec.tableName() + " is missing");
            } else {
                diffs.addAll(differences(spec, admin.getDescriptor(spec.tableName())));
            }
        }
        return diffs;
    }

    /** The expected schema and the live state, table by table, for operators. */
    public List<String> describe() throws IOException {
        List<String> lines = new ArrayList<>();
        boolean namespace = namespaceExists();
        for (TableSpec spec : Schema.TABLES) {
            boolean exists = namespace && admin.tableExists(spec.tableName());
            lines.add(spec.tableName()
                    + (exists ? " (" + admin.getRegions(spec.tableName()).size() + " regions)" : " (MISSING)"));
            lines.add("  row key: " + spec.rowKeyDoc());
            if (spec == Schema.TX_ENRICHED) {
                lines.add("  row layout: "
                        + (exists
                                ? RowLayout.of(admin.getDescriptor(spec.tableName())) + " (expected " + layout + ")"
                                : layout)
                        + (layout == RowLayout.PACKED
                                ? "; one cell " + spec.family() + ":" + TxRow.PACKED_QUALIFIER
                                        + " holds these fields as JSON, keyed by name (tx_id is the key's tail)"
                                : ""));
            }
            lines.add("  family " + spec.family() + ": VERSIONS=" + TableSpec.VERSIONS + ", DATA_BLOCK_ENCODING="
                    + TableSpec.ENCODING + ", BLOOMFILTER=" + TableSpec.BLOOM + ", IN_MEMORY=" + spec.inMemory());
            for (Column c : spec.columns()) {
                lines.add(String.format("    %-3s -> %-15s %s", c.qualifier(), c.name(), c.hiveType()));
            }
        }
        return lines;
    }

    /** Disables and deletes every table of the schema, then the namespace; returns what it dropped. */
    public List<String> drop() throws IOException {
        List<String> dropped = new ArrayList<>();
        if (!namespaceExists()) {
            return dropped;
        }
        for (TableSpec spec : Schema.TABLES) {
            TableName name = spec.tableName();
            if (admin.tableExists(name)) {
                if (admin.isTableEnabled(name)) {
                    admin.disableTable(name);
                }
                admin.deleteTable(name);
                dropped.add(name.getNameAsString());
            }
        }
        if (admin.listTableNamesByNamespace(Schema.NAMESPACE).length == 0) {
            admin.deleteNamespace(Schema.NAMESPACE);
            dropped.add(Schema.NAMESPACE);
        }
        return dropped;
    }

    private List<String> differences(TableSpec spec, TableDescriptor live) {
        List<String> diffs = new ArrayList<>();
        String table = spec.tableName().getNameAsString();
        TableDescriptor expected = descriptor(spec);
        if (spec == Schema.TX_ENRICHED && RowLayout.of(live) != layout) {
            diffs.add("table " + table + ": row layout is " + RowLayout.of(live)
                    + (live.getValue(RowLayout.TABLE_KEY) == null
                            ? " (it has no " + RowLayout.TABLE_KEY + " mark)"
                            : "")
                    + ", expected " + layout);
        }
        Set<String> liveFamilies = Arrays.stream(live.getColumnFamilies())
                .map(ColumnFamilyDescriptor::getNameAsString)
                .collect(Collectors.toCollection(TreeSet::new));
        for (ColumnFamilyDescriptor want : expected.getColumnFamilies()) {
            ColumnFamilyDescriptor have = live.getColumnFamily(want.getName());
            if (have == null) {
                diffs.add("table " + table + ": family " + want.getNameAsString() + " is missing");
                continue;
            }
            liveFamilies.remove(want.getNameAsString());
            String prefix = "table " + table + ", family " + want.getNameAsString() + ": ";
            compare(diffs, prefix, "VERSIONS", have.getMaxVersions(), want.getMaxVersions());
            compare(diffs, prefix, "DATA_BLOCK_ENCODING", have.getDataBlockEncoding(), want.getDataBlockEncoding());
            compare(diffs, prefix, "BLOOMFILTER", have.getBloomFilterType(), want.getBloomFilterType());
            compare(diffs, prefix, "COMPRESSION", have.getCompressionType(), want.getCompressionType());
            compare(diffs, prefix, "IN_MEMORY", have.isInMemory(), want.isInMemory());
        }
        for (String extra : liveFamilies) {
            diffs.add("table " + table + ": family " + extra + " is not in the schema");
        }
        return diffs;
    }

    private static void compare(List<String> diffs, String prefix, String setting, Object have, Object want) {
        if (!have.equals(want)) {
            diffs.add(prefix + setting + " is " + have + ", expected " + want);
        }
    }

    private boolean namespaceExists() throws IOException {
        try {
            admin.getNamespaceDescriptor(Schema.NAMESPACE);
            return true;
        } catch (NamespaceNotFoundException e) {
            return false;
        }
    }

    /**
     * The same schema as an HBase shell script, for operators who use {@code hbase shell}. The committed file
     * {@code hbase-schema/src/main/hbase/create-schema.hbase} is this text; a test keeps them equal.
     */
    public static String shellScript() {
        StringBuilder s = new StringBuilder();
        s.append("# The cardstream HBase schema, for `hbase shell -n create-schema.hbase`.\n")
                .append(
                        "# Generated from io.cardstream.schema.Schema (bin/cardstream schema shell-script); a test keeps\n")
                .append("# this file equal to the code. `bin/cardstream schema create` does the same, idempotently.\n")
                .append(
                        "# Add COMPRESSION => 'SNAPPY' (or another codec your cluster has) to each family if wanted.\n\n")
                .append("create_namespace '")
                .append(Schema.NAMESPACE)
                .append("'\n\n");
        for (TableSpec spec : Schema.TABLES) {
            s.append("# row key: ").append(spec.rowKeyDoc());
            if (spec == Schema.TX_ENRICHED) {
                s.append("; row layout ")
                        .append(RowLayout.DEFAULT)
                        .append(": one cell ")
                        .append(spec.family())
                        .append(':')
                        .append(TxRow.PACKED_QUALIFIER)
                        .append(", a JSON object of ")
                        .append(spec.columns().stream()
                                .map(Column::name)
                                .filter(n -> !n.equals("tx_id"))
                                .collect(Collectors.joining(", ")))
                        .append('\n');
            } else {
                s.append("; columns: ")
                        .append(spec.columns().stream()
                                .map(c -> c.qualifier() + "=" + c.name())
                                .collect(Collectors.joining(", ")))
                        .append('\n');
            }
            s.append("create '")
                    .append(spec.tableName().getNameAsString())
                    .append("', {NAME => '")
                    .append(spec.family())
                    .append("', VERSIONS => ")
                    .append(TableSpec.VERSIONS)
                    .append(", DATA_BLOCK_ENCODING => '")
                    .append(TableSpec.ENCODING)
                    .append("', BLOOMFILTER => '")
                    .append(TableSpec.BLOOM)
                    .append("', IN_MEMORY => '")
                    .append(spec.inMemory())
                    .append("'}");
            if (spec == Schema.TX_ENRICHED) {
                s.append(", METADATA => {'")
                        .append(RowLayout.TABLE_KEY)
                        .append("' => '")
                        .append(RowLayout.DEFAULT.id())
                        .append("'}");
            }
            if (!spec.splits().isEmpty()) {
                s.append(", SPLITS => [")
                        .append(spec.splits().stream().map(k -> "'" + k + "'").collect(Collectors.joining(", ")))
                        .append(']');
            }
            s.append("\n\n");
        }
        return s.append("exit\n").toString();
    }
}
