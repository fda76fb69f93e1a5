package io.cardstream.job;

import io.cardstream.job.PartitionResult.TaskTimes;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Table;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * On the driver, when Spark reports a batch complete: takes that batch's summary (left by the output operation),
 * adds Spark's own scheduling and processing delays, writes the {@code batch_metrics} row, adds the batch to the
 * job's metrics source and logs the batch's one INFO line. A batch that failed left no summary and gets no row.
 */
final class BatchListener implements StreamingListener {

    private static final Logger LOG = LoggerFactory.getLogger(BatchListener.class);

    private final Map<Long, BatchSummary> summaries = new ConcurrentHashMap<>();
    private final Connection hbase;
    private final TableName metricsTable;
    private final long intervalMs;
    private final JobMetricsSource metrics;

    BatchListener(Connection hbase, TableName metricsTable, long intervalMs, JobMetricsSource metrics) {
        this.hbase = hbase;
        this.metricsTable = metricsTable;
        this.intervalMs = intervalMs;
        this.metrics = metrics;
    }

    void offer(BatchSummary summary) {
        summaries.put(summary.batchTime(), summary);
    }

    /**
     * Writes the row of a batch that failed, for the partitions that committed before it did (Spark gives no
     * processing figures for it: -1).
     */
    void writeFailed(BatchSummary s) {
        summaries.remove(s.batchTime());
        metrics.record(s, -1);
        try (Table table = hbase.getTable(metricsTable)) {
            table.put(MetricsRows.put(s, -1, -1));
        } catch (IOException e) {
            LOG.warn(
                    "The metrics row of failed batch {} could not be written to {}: {}",
                    s.batchTime(),
                    metricsTable,
                    e.toString());
        }
    }

    @Override
    public void onBatchCompleted(StreamingListenerBatchCompleted completed) {
        BatchInfo info = completed.batchInfo();
        long batchTime = info.batchTime().milliseconds();
        BatchSummary s = summaries.remove(batchTime);
        if (s == null) {
            return;
        }
        long processingMs = millis(info.processingDelay());
        long schedulingMs = millis(info.schedulingDelay());
        metrics.record(s, processingMs);
        try (Table table = hbase.getTable(metricsTable)) {
            table.put(MetricsRows.put(s, processingMs, schedulingMs));
        } catch (IOException e) {
            LOG.warn(
                    "The metrics row of batch {} could not be written to {}: {}",
                    batchTime,
                    metricsTable,
                    e.toString());
        }
        String warning = processingMs > intervalMs
                ? " (processing took longer than the " + intervalMs + " ms interval: the job is falling behind)"
                : "";
        TaskTimes t = s.taskTimes();
        String anomalies = (s.counts().repeated() > 0 ? ", " + s.counts().repeated() + " repeated txIds" : "")
                + (s.counts().boundedNames() > 0
                        ? ", " + s.counts().boundedNames() + " over-long dimension names cut"
                        : "")
                + (s.committedBefore() > 0
                        ? ", " + s.committedBefore() + " partitions found committed by an earlier"
                                + " attempt of their task"
                        : "");
        LOG.info(
                "Batch {}: {} records, {} enriched, {} dead-lettered, {} missing dimensions{}; processing {} ms,"
                        + " scheduling delay {} ms; its tasks {} ms in all: reading records {} ms, HBase writes {} ms,"
                        + " dimension lookups {} ms, Kafka transactions {} ms, decoding and the rest {} ms;"
                        + " latency p50 {} ms, p99 {} ms, max {} ms; amount {}{}.",
                batchTime,
                s.counts().records(),
                s.counts().enriched(),
                s.counts().deadLettered(),
                s.counts().missing(),
                anomalies,
                processingMs,
                schedulingMs,
                TaskTimes.millis(t.totalMicros()),
                TaskTimes.millis(t.readMicros()),
                TaskTimes.millis(t.hbaseWriteMicros()),
                TaskTimes.millis(t.lookupMicros()),
                TaskTimes.millis(t.kafkaMicros()),
                TaskTimes.millis(t.otherMicros()),
                s.latencyP50Ms(),
                s.latencyP99Ms(),
                s.latencyMaxMs(),
                s.amountSum().toPlainString(),
                warning);
    }

    private static long millis(Option<Object> value) {
        return value.isDefined() ? ((Number) value.get()).longValue() : -1;
    }
}
