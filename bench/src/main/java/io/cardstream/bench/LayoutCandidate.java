package io.cardstream.bench;

import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.KeyValueUtil;
import org.apache.hadoop.hbase.client.Put;

/**
 * The row layouts the benchmark measures side by side (issue 32): the two the job can write ({@link RowLayout}) and
 * the candidates that were not chosen, each with the same row key, version and table settings, so that only the
 * cells differ. The candidates exist only here.
 */
enum LayoutCandidate {
    /** 11 cells, one a field: the layout before the packed one. */
    WIDE("wide: 11 cells, one a field") {
        @Override
        Put put(TxRow row, long version) {
            return row.put(RowLayout.WIDE, version);
        }
    },
    /** The wide layout without the one field the row key already holds (tx_id): 10 cells. */
    NARROW("narrow: 10 cells (tx_id, derivable from the key, dropped)") {
        @Override
        Put put(TxRow row, long version) {
            Put wide = row.put(RowLayout.WIDE, version);
            Put narrow = new Put(wide.getRow(), version);
            byte[] txId = Schema.TX_ENRICHED.column("tx_id").qualifierBytes();
            for (List<Cell> cells : wide.getFamilyCellMap().values()) {
                for (Cell c : cells) {
                    if (!CellUtil.matchingQualifier(c, txId)) {
                        narrow.addColumn(
                                CellUtil.cloneFamily(c), CellUtil.cloneQualifier(c), version, CellUtil.cloneValue(c));
                    }
                }
            }
            return narrow;
        }
    },
    /** The names in cells of their own (the free text), the other fields joined in one: 3 cells. */
    THREE_CELLS("3 cells: the two names, and the other fields \\u0001-joined") {
        @Override
        Put put(TxRow row, long version) {
            Put put = new Put(row.rowKey(), version);
            if (row.personName() != null) {
                put.addColumn(FAMILY, bytes("pn"), version, bytes(row.personName()));
            }
            if (row.companyName() != null) {
                put.addColumn(FAMILY, bytes("cn"), version, bytes(row.companyName()));
            }
            return put.addColumn(FAMILY, bytes("r"), version, bytes(joined(row, false)));
        }
    },
    /** One cell, every field but tx_id joined with U+0001. */
    DELIMITED("1 cell: the fields \\u0001-joined") {
        @Override
        Put put(TxRow row, long version) {
            return new Put(row.rowKey(), version).addColumn(FAMILY, bytes("v"), version, bytes(joined(row, true)));
        }
    },
    /** One cell of JSON: the layout the job writes by default. */
    PACKED("packed: 1 cell of JSON (the default)") {
        @Override
        Put put(TxRow row, long version) {
            return row.put(RowLayout.PACKED, version);
        }
    };

    private static final byte[] FAMILY = Schema.TX_ENRICHED.familyBytes();

    private final String description;

    LayoutCandidate(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** The JSON key: the candidate's name in lower case. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    abstract Put put(TxRow row, long version);

    /** The bytes of a row's cells as KeyValues, as they go through the WAL and the memstore. */
    static long keyValueBytes(Put put) {
        long bytes = 0;
        for (List<Cell> cells : put.getFamilyCellMap().values()) {
            for (Cell c : cells) {
                bytes += KeyValueUtil.ensureKeyValue(c).getLength();
            }
        }
        return bytes;
    }

    private static String joined(TxRow row, boolean withNames) {
        StringBuilder s = new StringBuilder(160);
        s.append(row.personId()).append('\u0001');
        if (withNames) {
            s.append(row.personName() == null ? "" : row.personName()).append('\u0001');
        }
        s.append(row.companyId()).append('\u0001');
        if (withNames) {
            s.append(row.companyName() == null ? "" : row.companyName()).append('\u0001');
        }
        return s.append(row.amount())
                .append('\u0001')
                .append(row.currency())
                .append('\u0001')
                .append(row.eventTime())
                .append('\u0001')
                .append(row.processedTime())
                .append('\u0001')
                .append(row.batchTime())
                .append('\u0001')
                .append(row.status())
                .toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
