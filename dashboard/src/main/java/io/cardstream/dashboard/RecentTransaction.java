package io.cardstream.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.cardstream.schema.TxRow;
import org.apache.hadoop.hbase.client.Result;

/**
 * An enriched transaction as stored in {@code tx_enriched} (either row layout), for the live table: the row's fields
 * as they are, and its latency. Names are whatever HBase holds, markup included: the page shows them as text.
 */
public record RecentTransaction(@JsonUnwrapped TxRow row) {

    static RecentTransaction of(Result r) {
        return new RecentTransaction(TxRow.read(r));
    }

    /** Event time to stored, in milliseconds. */
    @JsonProperty("latencyMs")
    public long latencyMs() {
        return row.processedTime() - row.eventTime();
    }
}
