package io.cardstream.job;

import java.nio.charset.StandardCharsets;

import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.schema.Column;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import org.apache.hadoop.hbase.client.Put;

/**
 * An enriched transaction as the {@code tx_enriched} row the Hive facade reads: the salted key, one UTF-8 string
 * cell per field under the schema's short qualifiers, and the event time as every cell's timestamp, so a replayed
 * batch writes the very same cells again instead of adding rows.
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

    private EnrichedRows() {
    }

    /** The row of one enriched transaction, as the job writes it (the benchmark writes the very same rows). */
    public static Put put(EnrichedTransaction e) {
        Transaction tx = e.transaction();
        long ts = tx.eventTime();
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
