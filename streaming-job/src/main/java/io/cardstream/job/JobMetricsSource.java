package io.cardstream.job;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.metrics.source.Source;

/**
 * The job's figures in Spark's metrics system, so that the sinks operators already scrape (JMX, Prometheus, Graphite,
 * as {@code metrics.properties} configures them) see them: on the driver, under the source name {@code cardstream},
 * counters of what every batch's {@code batch_metrics} row counts (they add up to those rows' totals) and gauges of the
 * last batch. Fed by {@link BatchListener} as it writes each row.
 */
final class JobMetricsSource implements Source {

    static final String NAME = "cardstream";

    private final MetricRegistry registry = new MetricRegistry();
    private final Counter records = registry.counter("records");
    private final Counter enriched = registry.counter("enriched");
    private final Counter deadLettered = registry.counter("dead_lettered");
    private final Counter missing = registry.counter("missing_dimensions");
    private final Counter repeated = registry.counter("repeated_tx_ids");
    private final Counter batches = registry.counter("batches");
    private final AtomicLong p50 = new AtomicLong();
    private final AtomicLong p99 = new AtomicLong();
    private final AtomicLong processing = new AtomicLong(-1);
    /** System.currentTimeMillis() when the last batch was recorded; 0 before the first. */
    private final AtomicLong lastBatchAt = new AtomicLong();

    JobMetricsSource() {
        registry.register("last_batch_latency_p50_ms", (Gauge<Long>) p50::get);
        registry.register("last_batch_latency_p99_ms", (Gauge<Long>) p99::get);
        registry.register("last_batch_processing_ms", (Gauge<Long>) processing::get);
        registry.register("last_batch_age_ms", (Gauge<Long>) () -> {
            long at = lastBatchAt.get();
            return at == 0 ? -1 : System.currentTimeMillis() - at;
        });
    }

    /** Adds a batch whose metrics row is being written ({@code processingMs} -1 for a failed batch). */
    void record(BatchSummary s, long processingMs) {
        records.inc(s.counts().records());
        enriched.inc(s.counts().enriched());
        deadLettered.inc(s.counts().deadLettered());
        missing.inc(s.counts().missing());
        repeated.inc(s.counts().repeated());
        batches.inc();
        p50.set(s.latencyP50Ms());
        p99.set(s.latencyP99Ms());
        processing.set(processingMs);
        lastBatchAt.set(System.currentTimeMillis());
    }

    @Override
    public String sourceName() {
        return NAME;
    }

    @Override
    public MetricRegistry metricRegistry() {
        return registry;
    }
}
