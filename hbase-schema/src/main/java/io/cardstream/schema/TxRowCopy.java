package io.cardstream.schema;

import java.io.IOException;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.BufferedMutatorParams;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * Copies the rows of one transactions table into another in the target's row layout, each at its own version (its
 * newest cell's timestamp), so that a later write of the same txId by the job still wins or loses as it would have:
 * the way to move a table to another layout (docs/operations.md, "Row layout").
 */
public final class TxRowCopy {

    private TxRowCopy() {}

    /** What a copy did. */
    public record Report(long rows, RowLayout from, RowLayout to) {}

    /** Copies every row of {@code from} into {@code to}, in the layout {@code to} records; returns the count. */
    public static Report copy(Connection connection, TableName from, TableName to) throws IOException {
        RowLayout fromLayout;
        RowLayout toLayout;
        try (Admin admin = connection.getAdmin()) {
            for (TableName t : new TableName[] {from, to}) {
                if (!admin.tableExists(t)) {
                    throw new IOException("The table " + t + " does not exist.");
                }
            }
            fromLayout = RowLayout.of(admin.getDescriptor(from));
            toLayout = RowLayout.of(admin.getDescriptor(to));
        }
        long rows = 0;
        try (Table source = connection.getTable(from);
                ResultScanner scanner =
                        source.getScanner(new Scan().setCaching(1_000).setCacheBlocks(false));
                BufferedMutator target =
                        connection.getBufferedMutator(new BufferedMutatorParams(to).writeBufferSize(8L << 20))) {
            for (Result r : scanner) {
                long version = 0;
                for (Cell c : r.rawCells()) {
                    version = Math.max(version, c.getTimestamp());
                }
                target.mutate(TxRow.read(r).put(toLayout, version));
                rows++;
            }
            target.flush();
        }
        return new Report(rows, fromLayout, toLayout);
    }
}
