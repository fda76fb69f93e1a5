package io.cardstream.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import org.apache.hadoop.hbase.client.Result;

/**
 * An enriched transaction as stored in {@code tx_enriched}, for the live table. Names are whatever HBase holds,
 * markup included: the page shows them as text.
 */
public record RecentTransaction(
        String txId,
        String personId,
        String personName,
        String companyId,
        String companyName,
        String amount,
        String currency,
        long eventTime,
        long processedTime,
        long batchTime,
        String status) {

    private static final TableSpec T = Schema.TX_ENRICHED;

    static RecentTransaction of(Result r) {
        return new RecentTransaction(
                text(r, "tx_id"),
                text(r, "person_id"),
                text(r, "person_name"),
                text(r, "company_id"),
                text(r, "company_name"),
                text(r, "amount"),
                text(r, "currency"),
                number(r, "event_time"),
                number(r, "processed_time"),
                number(r, "batch_time"),
                text(r, "enrich_status"));
    }

    /** Event time to stored, in milliseconds. */
    @JsonProperty("latencyMs")
    public long latencyMs() {
        return processedTime - eventTime;
    }

    private static String text(Result r, String column) {
        return Cells.text(r, T, column, null);
    }

    private static long number(Result r, String column) {
        return Cells.number(r, T, column);
    }
}
