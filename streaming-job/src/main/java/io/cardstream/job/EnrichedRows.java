package io.cardstream.job;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.schema.Column;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;

/**
 * An enriched transaction as the {@code tx_enriched} row the Hive facade reads: the salted key, one UTF-8 string
 * cell per field under the schema's short qualifiers, every cell with the write's {@link #version}. Every write sets
 * every column: a name that was not found is cleared ({@link #clearing}), so no write leaves a name of another.
 * Of two writes of one txId, the one with the higher version wins whole, in whatever order they arrive: the later
 * event time, and for the same event time the higher content digest (a replay of the same enrichment is the same
 * version, so it writes the very same cells again).
 */
public final class EnrichedRows {

    private static final TableSpec T = Schema.TX_ENRICHED;
    private static final byte[] FAMILY = T.familyBytes();
    private static final byte[] TX_ID = q("tx_id");
    private static final byte[] PERSON_ID = q("person_id");
    private static final byte[] PERSON_NAME = q("person_name");
    private static final byte[] COMPANY_ID = q("company_id");
    private static final byte[] COMPANY_NAME = q("company_name");
    private static final byte[] AMOUNT = q("amount");
    private static final byte[] CURRENCY = q("currency");
    private static final byte[] EVENT_TIME = q("event_time");
    private static final byte[] PROCESSED_TIME = q("processed_time");
    private static final byte[] BATCH_TIME = q("batch_time");
    private static final byte[] STATUS = q("enrich_status");

    private EnrichedRows() {}

    /** Versions are the event time in milliseconds times this, plus a digest of the content below it. */
    static final long VERSIONS_PER_MILLISECOND = 1_000_000L;

    /**
     * The cell timestamp of {@code e}'s write: its event time followed by six digits of a digest of what it writes
     * (ids, amount, currency, names, status), so writes of one txId are ordered by content, never by arrival. Read
     * in the HBase shell, the first thirteen digits are the event time.
     */
    static long version(EnrichedTransaction e) {
        Transaction tx = e.transaction();
        long h = 0xcbf29ce484222325L;
        for (String s : new String[] {
            tx.txId(),
            tx.personId(),
            tx.companyId(),
            tx.amount().toPlainString(),
            tx.currency(),
            e.personName(),
            e.companyName(),
            e.status().name()
        }) {
            h = fnv(h, s);
        }
        return tx.eventTime() * VERSIONS_PER_MILLISECOND + Math.floorMod(h, VERSIONS_PER_MILLISECOND);
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

    /**
     * The delete that clears the names {@code e} did not find, at and below its version, or null when it found
     * both: a lower version's name of the same txId is then hidden with the rest of that write.
     */
    public static Delete clearing(EnrichedTransaction e) {
        if (e.personName() != null && e.companyName() != null) {
            return null;
        }
        long ts = version(e);
        Delete delete = new Delete(bytes(RowKeys.txEnriched(e.transaction().txId())));
        if (e.personName() == null) {
            delete.addColumns(FAMILY, PERSON_NAME, ts);
        }
        if (e.companyName() == null) {
            delete.addColumns(FAMILY, COMPANY_NAME, ts);
        }
        return delete;
    }

    /** The row of one enriched transaction, as the job writes it (the benchmark writes the very same rows). */
    public static Put put(EnrichedTransaction e) {
        Transaction tx = e.transaction();
        long ts = version(e);
        Put put = new Put(bytes(RowKeys.txEnriched(tx.txId())), ts);
        put.addColumn(FAMILY, TX_ID, ts, bytes(tx.txId()));
        put.addColumn(FAMILY, PERSON_ID, ts, bytes(tx.personId()));
        if (e.personName() != null) {
            put.addColumn(FAMILY, PERSON_NAME, ts, bytes(e.personName()));
        }
        put.addColumn(FAMILY, COMPANY_ID, ts, bytes(tx.companyId()));
        if (e.companyName() != null) {
            put.addColumn(FAMILY, COMPANY_NAME, ts, bytes(e.companyName()));
        }
        put.addColumn(FAMILY, AMOUNT, ts, bytes(tx.amount().toPlainString()));
        put.addColumn(FAMILY, CURRENCY, ts, bytes(tx.currency()));
        put.addColumn(FAMILY, EVENT_TIME, ts, bytes(Long.toString(tx.eventTime())));
        put.addColumn(FAMILY, PROCESSED_TIME, ts, bytes(Long.toString(e.processedTime())));
        put.addColumn(FAMILY, BATCH_TIME, ts, bytes(Long.toString(e.batchTime())));
        put.addColumn(FAMILY, STATUS, ts, bytes(e.status().name()));
        return put;
    }

    private static byte[] q(String column) {
        Column c = T.column(column);
        return c.qualifierBytes();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
