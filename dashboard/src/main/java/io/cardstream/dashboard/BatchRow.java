package io.cardstream.dashboard;

import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import org.apache.hadoop.hbase.client.Result;

/**
 * One micro-batch as the job recorded it in {@code batch_metrics}: counts, Spark's processing and scheduling
 * delays, and the event-to-stored latency percentiles. What {@code GET /api/metrics} returns, newest first.
 */
public record BatchRow(
        long batchTime,
        long records,
        long enriched,
        long deadLettered,
        long missingDims,
        long processingMs,
        long schedulingMs,
        long latencyP50Ms,
        long latencyP99Ms,
        long latencyMaxMs,
        String amountSum) {

    private static final TableSpec T = Schema.BATCH_METRICS;

    /** The row's cells; a cell the job did not write reads as 0 (or "0" for the amount). */
    static BatchRow of(Result r) {
        return new BatchRow(
                number(r, "batch_time"),
                number(r, "records"),
                number(r, "enriched"),
                number(r, "dead_lettered"),
                number(r, "missing_dims"),
                number(r, "processing_ms"),
                number(r, "scheduling_ms"),
                number(r, "latency_p50_ms"),
                number(r, "latency_p99_ms"),
                number(r, "latency_max_ms"),
                text(r, "amount_sum", "0"));
    }

    static String text(Result r, String column, String absent) {
        return Cells.text(r, T, column, absent);
    }

    private static long number(Result r, String column) {
        return Cells.number(r, T, column);
    }
}
