package io.cardstream.job.enrich;

import io.cardstream.core.EnrichedTransaction;
import java.io.IOException;

/** Where enriched rows go: HBase in the job ({@code HBaseRowSink}), memory in tests. */
public interface RowSink {

    /** Takes one row; it may be buffered until {@link #flush()}. */
    void write(EnrichedTransaction row) throws IOException;

    /** Returns once every row taken so far is stored; only then may their offsets be committed. */
    void flush() throws IOException;
}
