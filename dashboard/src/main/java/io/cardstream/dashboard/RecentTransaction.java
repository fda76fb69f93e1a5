package io.cardstream.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cardstream.schema.TxRow;
import org.apache.hadoop.hbase.client.Result;

/**
 * An enriched transaction as stored in {@code tx_enriched} (either row layout), for the live table. Names are whatever HBase holds,
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

    static RecentTransaction of(Result r) {
        TxRow row = TxRow.read(r);
        return new RecentTransaction(
                row.txId(),
                row.personId(),
                row.personName(),
                row.companyId(),
                row.companyName(),
                row.amount(),
                row.currency(),
                row.eventTime(),
                row.processedTime(),
                row.batchTime(),
                row.status());
    }

    /** Event time to stored, in milliseconds. */
    @JsonProperty("latencyMs")
    public long latencyMs() {
        return processedTime - eventTime;
    }
}
