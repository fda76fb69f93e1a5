package io.cardstream.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.hbase.client.Put;

/** A batch's summary as its {@code batch_metrics} row: UTF-8 strings, JSON for the top companies and the sample. */
final class MetricsRows {

    private static final TableSpec T = Schema.BATCH_METRICS;
    private static final JsonFactory JSON = new JsonFactory();

    private MetricsRows() {}

    static Put put(BatchSummary s, long processingMs, long schedulingMs) {
        Put put = new Put(bytes(RowKeys.batchMetrics(s.batchTime())));
        add(put, "batch_time", s.batchTime());
        add(put, "records", s.records());
        add(put, "enriched", s.enriched());
        add(put, "dead_lettered", s.deadLettered());
        add(put, "missing_dims", s.missingDims());
        add(put, "repeated", s.repeated());
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
        return json(g -> {
            g.writeStartArray();
            for (PartitionResult.CompanyTotal c : s.topCompanies()) {
                g.writeStartObject();
                g.writeStringField("companyId", c.companyId());
                g.writeStringField("name", c.name());
                g.writeStringField("amount", c.amount().toPlainString());
                g.writeNumberField("transactions", c.transactions());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    static String sampleJson(BatchSummary s) {
        return json(g -> {
            g.writeStartArray();
            for (PartitionResult.SampleRow r : s.sample()) {
                g.writeStartObject();
                g.writeStringField("txId", r.txId());
                g.writeStringField("personName", r.personName());
                g.writeStringField("companyName", r.companyName());
                g.writeStringField("amount", r.amount());
                g.writeStringField("currency", r.currency());
                g.writeNumberField("eventTime", r.eventTime());
                g.writeNumberField("processedTime", r.processedTime());
                g.writeStringField("status", r.status());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(JsonWriter writer) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void add(Put put, String column, Object value) {
        put.addColumn(T.familyBytes(), T.column(column).qualifierBytes(), bytes(String.valueOf(value)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
