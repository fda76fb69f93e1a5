package io.cardstream.job;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.job.enrich.RowSink;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.TxRow;
import java.io.IOException;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows into the enriched-transactions table through one partition's {@link BufferedMutator}, in the table's row
 * layout: every field set, in the wide layout a missing name cleared ({@link EnrichedRows}); {@link #flush()} returns when HBase has them all, and counts the time
 * it waited.
 */
final class HBaseRowSink implements RowSink {

    private final BufferedMutator mutator;
    private final RowLayout layout;
    private final TopicPartition partition;
    private final long batchTime;
    private long flushNanos;

    HBaseRowSink(BufferedMutator mutator, RowLayout layout, TopicPartition partition, long batchTime) {
        this.mutator = mutator;
        this.layout = layout;
        this.partition = partition;
        this.batchTime = batchTime;
    }

    @Override
    public void write(EnrichedTransaction row) throws IOException {
        TxRow fields = EnrichedRows.row(row);
        long version = EnrichedRows.version(row);
        mutator.mutate(fields.put(layout, version));
        Delete clearing = fields.clearing(layout, version);
        if (clearing != null) {
            mutator.mutate(clearing);
        }
    }

    @Override
    public void flush() throws IOException {
        Faults.at(Faults.Step.BEFORE_FLUSH, partition, batchTime);
        long flushing = System.nanoTime();
        mutator.flush();
        flushNanos += System.nanoTime() - flushing;
        Faults.at(Faults.Step.AFTER_FLUSH, partition, batchTime);
    }

    /** The time spent waiting for HBase to take the rows. */
    long flushNanos() {
        return flushNanos;
    }
}
