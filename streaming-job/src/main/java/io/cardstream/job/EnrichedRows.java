package io.cardstream.job;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.TxRow;
import org.apache.hadoop.hbase.client.Put;

/**
 * An enriched transaction as the {@code tx_enriched} row the Hive facade reads ({@link TxRow}, in the table's
 * {@link RowLayout}), every cell with the write's {@link #version}. Every write sets every field: in the wide layout a
 * name that was not found is cleared ({@link TxRow#clearing}), so no write leaves a name of another. Of two writes of
 * one txId, the one with the higher version wins whole, in whatever order they arrive: the later event time, and for
 * the same event time the higher content digest (a replay of the same enrichment is the same version, so it writes
 * the very same cells again).
 */
public final class EnrichedRows {

    private EnrichedRows() {}

    /** Versions are the event time in milliseconds times this, plus a digest of the content below it. */
    static final long VERSIONS_PER_MILLISECOND = 1_000_000L;

    /**
     * The cell timestamp of {@code e}'s write: its event time followed by six digits of a digest of what it writes
     * (ids, amount, currency, names, status), so writes of one txId are ordered by content, never by arrival. Read
     * in the HBase shell, the first thirteen digits are the event time.
     */
    public static long version(EnrichedTransaction e) {
        return version(row(e));
    }

    /** {@link #version(EnrichedTransaction)} of the row already made from it, which holds the same fields. */
    public static long version(TxRow row) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, row.txId());
        h = fnv(h, row.personId());
        h = fnv(h, row.companyId());
        h = fnv(h, row.amount());
        h = fnv(h, row.currency());
        h = fnv(h, row.personName());
        h = fnv(h, row.companyName());
        h = fnv(h, row.status());
        return row.eventTime() * VERSIONS_PER_MILLISECOND + Math.floorMod(h, VERSIONS_PER_MILLISECOND);
    }

    private static long fnv(long h, String s) {
        if (s == null) {
            return (h ^ 0xff) * 0x100000001b3L;
        }
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return (h ^ 0xfe) * 0x100000001b3L;
    }

    /**
     * The lowest cell timestamp of a row whose event time is {@code eventTimeMs}: a scan of the rows whose event
     * time is in [a, b) takes the time range [firstVersionAt(a), firstVersionAt(b)).
     */
    public static long firstVersionAt(long eventTimeMs) {
        return eventTimeMs * VERSIONS_PER_MILLISECOND;
    }

    /** The fields of {@code e}'s row. */
    public static TxRow row(EnrichedTransaction e) {
        Transaction tx = e.transaction();
        return new TxRow(
                tx.txId(),
                tx.personId(),
                e.personName(),
                tx.companyId(),
                e.companyName(),
                tx.amount().toPlainString(),
                tx.currency(),
                tx.eventTime(),
                e.processedTime(),
                e.batchTime(),
                e.status().name());
    }

    /** The row of one enriched transaction in {@code layout}, as the job writes it (the benchmark writes the same). */
    public static Put put(EnrichedTransaction e, RowLayout layout) {
        TxRow row = row(e);
        return row.put(layout, version(row));
    }
}
