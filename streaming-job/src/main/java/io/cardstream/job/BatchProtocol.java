package io.cardstream.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the driver does with one micro-batch: unless the job is stopping or an earlier batch failed, run one task per
 * partition's offset range (each task stores its range's rows and commits its offsets itself), merge their results
 * into the batch's summary and hand it to the {@link Ledger}. A failed batch records the job's failure (no later
 * batch runs or commits), asks the ledger which of its partitions committed anyway, writes their counts as the
 * batch's metrics, and fails.
 */
record BatchProtocol(BatchProtocol.PartitionWork work, BatchProtocol.Ledger ledger, JobState state, String topic) {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProtocol.class);
    static final int TOP_COMPANIES = 10;
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

    /** The task of a batch: the range of one partition in, that range's result out. */
    interface PartitionWork extends Serializable {
        FlatMapFunction<java.util.Iterator<OffsetRange>, PartitionResult> forBatch(long batchTime);
    }

    /** Where batch outcomes go, and where the committed offsets are read. */
    interface Ledger {
        /** A batch that completed: its metrics row, its observers. */
        void record(BatchSummary summary);

        /** A batch that failed: the counts of its partitions that had committed. */
        void recordFailed(BatchSummary summary);

        /**
         * The commit metadata of the partitions whose committed offset is at or past their range's end, by partition.
         * Throws when the offsets cannot be read.
         */
        Map<Integer, String> committedPast(OffsetRange[] ranges) throws Exception;
    }

    /**
     * Runs the batch of {@code ranges}; {@code placed} holds the same ranges, one to a partition, placed where their
     * tasks should run.
     */
    void run(JavaRDD<OffsetRange> placed, OffsetRange[] ranges, long batchTime) throws Exception {
        if (state.stoppingNow()) {
            // a stop that gave up waiting: a batch after the cut-short one must not commit past it
            LOG.info(
                    "Batch {} is not processed: the job is stopping now; its records are read again on the next"
                            + " start.",
                    batchTime);
            return;
        }
        if (state.failure() != null) {
            throw new IllegalStateException(
                    "An earlier batch failed; batch " + batchTime + " is neither processed nor committed.");
        }
        if (ranges.length == 0) {
            return;
        }
        try {
            // a stop that gives up on a stuck batch cancels it; its tasks' Kafka and HBase calls then end at once
            placed.context().setLocalProperty(INTERRUPT_ON_CANCEL, "true");
            List<PartitionResult> results =
                    placed.mapPartitions(work.forBatch(batchTime)).collect();
            BatchSummary summary = BatchSummary.merge(batchTime, results, TOP_COMPANIES, PartitionProcessor.SAMPLE);
            ledger.record(summary);
            state.batchFinished();
        } catch (Exception e) {
            if (state.stoppingNow()) {
                // nothing after it runs; its partitions that had not committed are read again on the next start
                LOG.info(
                        "Batch {} was cut short by the stop ({}); its partitions that had not committed are read"
                                + " again on the next start.",
                        batchTime,
                        e.toString());
                return;
            }
            // a failed task arrives as SparkException, which Java sees as checked: catch all, or later batches
            // would run and commit past the failed one
            state.fail(e);
            reportFailed(batchTime, ranges, e);
            throw e;
        }
    }

    /**
     * Says which partitions of a failed batch committed (Spark returns no result of a failed job, not even of its
     * tasks that succeeded): the ledger's committed offsets tell, and their metadata carries each committed range's
     * counts, which go into the batch's metrics row. The others are read again on the next start.
     */
    private void reportFailed(long batchTime, OffsetRange[] ranges, Exception cause) {
        List<Integer> committedParts = new ArrayList<>();
        List<Integer> failedParts = new ArrayList<>();
        List<PartitionResult> done = new ArrayList<>();
        Map<Integer, String> committed;
        try {
            committed = ledger.committedPast(ranges);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.error(
                    "Batch {} failed, and which of its partitions committed could not be read ({}); the job stops:"
                            + " {}",
                    batchTime,
                    e.toString(),
                    cause.toString());
            return;
        }
        for (OffsetRange range : ranges) {
            if (range.count() == 0) {
                continue;
            }
            String metadata = committed.get(range.partition());
            if (metadata != null) {
                committedParts.add(range.partition());
                done.add(PartitionResult.committedBefore(metadata));
            } else {
                failedParts.add(range.partition());
            }
        }
        if (!done.isEmpty()) {
            ledger.recordFailed(BatchSummary.merge(batchTime, done, TOP_COMPANIES, PartitionProcessor.SAMPLE));
        }
        LOG.error(
                "Batch {} failed: partitions {} of {} committed ({} records; their counts are in its metrics row),"
                        + " partitions {} did not and are read again on the next start; the job stops: {}",
                batchTime,
                committedParts,
                topic,
                done.stream().mapToLong(r -> r.counts().records()).sum(),
                failedParts,
                cause.toString());
    }
}
