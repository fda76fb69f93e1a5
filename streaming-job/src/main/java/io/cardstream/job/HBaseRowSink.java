package io.cardstream.job;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.job.enrich.RowSink;
import java.io.IOException;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.kafka.common.TopicPartition;

/**
 * Rows into the enriched-transactions table through one partition's {@link BufferedMutator}: every column set, a
 * missing name cleared ({@link EnrichedRows}); {@link #flush()} returns when HBase has them all, and counts the time
 * it waited.
 */
final class HBaseRowSink implements RowSink {

    private final BufferedMutator mutator;
    private final TopicPartition partition;
    private final long batchTime;
    private long flushNanos;

    HBaseRowSink(BufferedMutator mutator, TopicPartition partition, long batchTime) {
        this.mutator = mutator;
        this.partition = partition;
        this.batchTime = batchTime;
    }

    @Override
    public void write(EnrichedTransaction row) throws IOException {
        mutator.mutate(EnrichedRows.put(row));
        Delete clearing = EnrichedRows.clearing(row);
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
