package io.cardstream.dashboard;

import io.cardstream.schema.TableSpec;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.hbase.client.Result;

/** Reads a row's cells by the schema's column names: the job writes every value as a UTF-8 string. */
final class Cells {

    private Cells() {}

    /** The cell of {@code column}, or {@code absent} when the row has none. */
    static String text(Result r, TableSpec table, String column, String absent) {
        byte[] v = r.getValue(table.familyBytes(), table.column(column).qualifierBytes());
        return v == null ? absent : new String(v, StandardCharsets.UTF_8);
    }

    /** The cell of {@code column} as a whole number; 0 when absent or not a number. */
    static long number(Result r, TableSpec table, String column) {
        String v = text(r, table, column, null);
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
