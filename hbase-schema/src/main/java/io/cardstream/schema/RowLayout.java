package io.cardstream.schema;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.hadoop.hbase.client.TableDescriptor;

/**
 * How an enriched transaction is laid out in its {@code tx_enriched} row. The table records its layout in its
 * descriptor ({@link #TABLE_KEY}, set by {@code bin/cardstream schema create}); a table without the mark has the
 * layout every table had before the mark existed, {@link #WIDE}. The job writes only the layout its table records.
 */
public enum RowLayout {
    /** One cell per field under the schema's short qualifiers ({@code d:t}, {@code d:pi}, ...): 11 cells a row. */
    WIDE("wide"),
    /**
     * One cell, {@code d:v}, holding the fields as a flat JSON object keyed by their Hive column names (the txId is
     * the row key's tail and is not repeated): readable in the HBase shell, read by Hive and Impala through
     * {@code get_json_object} in the {@code tx_enriched} view.
     */
    PACKED("packed");

    /** The table descriptor value that records the layout. */
    public static final String TABLE_KEY = "cardstream.row_layout";

    /** The layout new tables get. */
    public static final RowLayout DEFAULT = PACKED;

    private final String id;

    RowLayout(String id) {
        this.id = id;
    }

    /** The name in settings and in the table descriptor. */
    public String id() {
        return id;
    }

    /** The layout named {@code id}; throws naming the layouts there are. */
    public static RowLayout of(String id) {
        for (RowLayout l : values()) {
            if (l.id.equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("No row layout '" + id + "'; there are " + ids() + ".");
    }

    /** The layout a table records; {@link #WIDE} for a table without the mark. */
    public static RowLayout of(TableDescriptor table) {
        String mark = table.getValue(TABLE_KEY);
        return mark == null ? WIDE : of(mark);
    }

    /** The layouts' ids, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(RowLayout::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
