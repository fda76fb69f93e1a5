package io.cardstream.job;

import io.cardstream.schema.MetricsJson;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.hbase.client.Put;

/** A batch's summary as its {@code batch_metrics} row: UTF-8 strings, JSON for the top companies and the sample. */
final class MetricsRows {

    private static final TableSpec T = Schema.BATCH_METRICS;

    private MetricsRows() {}

    static Put put(BatchSummary s, long processingMs, long schedulingMs) {
        Put put = new Put(bytes(RowKeys.batchMetrics(s.batchTime())));
        add(put, "batch_time", s.batchTime());
        add(put, "records", s.counts().records());
        add(put, "enriched", s.counts().enriched());
        add(put, "dead_lettered", s.counts().deadLettered());
        add(put, "missing_dims", s.counts().missing());
        add(put, "repeated", s.counts().repeated());
        add(put, "processing_ms", processingMs);
        add(put, "scheduling_ms", schedulingMs);
        add(put, "latency_p50_ms", s.latencyP50Ms());
        add(put, "latency_p99_ms", s.latencyP99Ms());
        add(put, "latency_max_ms", s.latencyMaxMs());
        add(put, "amount_sum", s.amountSum().toPlainString());
        add(put, "top_companies", topCompaniesJson(s));
        add(put, "sample", sampleJson(s));
        return put;
    }

    static String topCompaniesJson(BatchSummary s) {
        return MetricsJson.companies(s.topCompanies().stream()
                .map(c -> new MetricsJson.Company(
                        c.companyId(), c.name(), c.amount().toPlainString(), c.transactions()))
                .toList());
    }

    static String sampleJson(BatchSummary s) {
        return MetricsJson.sample(s.sample());
    }

    private static void add(Put put, String column, Object value) {
        put.addColumn(T.familyBytes(), T.column(column).qualifierBytes(), bytes(String.valueOf(value)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
