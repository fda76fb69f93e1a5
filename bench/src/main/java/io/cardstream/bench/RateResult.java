package io.cardstream.bench;

import io.cardstream.job.PartitionResult;

/**
 * One rung of a rate ladder: what the pipeline (or the naive design) did with an open-loop producer at a target rate,
 * measured over the hold window after the warm-up.
 *
 * @param design          "pipeline" or "naive"
 * @param intervalMs      the batch interval
 * @param targetRps       the producer's rate
 * @param achievedRps     records the job finished per second over the window
 * @param batches         batches that finished in the window
 * @param avgProcessingMs Spark's processing time, average over the window's batches
 * @param avgSchedulingMs Spark's scheduling delay, average
 * @param maxSchedulingMs Spark's scheduling delay, maximum
 * @param lagGrowth       how much the consumer lag grew over the window: the slope of its once-a-second readings
 *                        times the window (records)
 * @param p50Ms           event time to stored, over a sample of the stored rows whose event time is in the window
 * @param p95Ms           same, 95th percentile
 * @param p99Ms           same, 99th percentile
 * @param maxMs           same, maximum
 * @param latencySamples  rows the percentiles come from; with none, the percentiles are 0 and mean nothing
 * @param cpuCores        CPU the job's JVM used over the window, in cores (2.0 = both cores of this machine)
 * @param heapMaxMb       the job JVM's largest used heap seen (sampled every second)
 * @param hbaseCores      CPU the HBase JVM (master, region server and ZooKeeper) used over the window, in cores;
 *                        -1 when the OS did not say
 * @param kafkaCores      CPU the broker's JVM used over the window, in cores; -1 when the OS did not say
 * @param producerCores   CPU the producer's JVM used over the window, in cores; -1 when the OS did not say
 * @param sustainable     scheduling delay under one interval on average and lag not growing
 * @param taskTimes       the pipeline's task time a batch, summed over its partitions and averaged over the window's
 *                        batches, with what it waited on (microseconds); null for the naive design, which does not
 *                        measure it
 */
public record RateResult(
        String design,
        long intervalMs,
        long targetRps,
        double achievedRps,
        int batches,
        double avgProcessingMs,
        double avgSchedulingMs,
        long maxSchedulingMs,
        long lagGrowth,
        long p50Ms,
        long p95Ms,
        long p99Ms,
        long maxMs,
        long latencySamples,
        double cpuCores,
        long heapMaxMb,
        double hbaseCores,
        double kafkaCores,
        double producerCores,
        boolean sustainable,
        PartitionResult.TaskTimes taskTimes) {

    /**
     * Whether the rung has a latency: none when no row with an event time in its window was stored (a job more than
     * the window behind, stopped at once when it ended), and then its percentiles, 0, mean nothing.
     */
    public boolean hasLatency() {
        return latencySamples > 0;
    }

    /** The rule of issue 7: average scheduling delay under one interval, lag not growing beyond two batches. */
    static boolean sustainable(
            double avgSchedulingMs, long intervalMs, long lagGrowth, long targetRps, double achievedRps) {
        long twoBatches = Math.max(1, targetRps * intervalMs * 2 / 1000);
        return avgSchedulingMs < intervalMs && lagGrowth <= twoBatches && achievedRps >= 0.9 * targetRps;
    }

    /**
     * Not sustained, yet still draining the backlog of its start when its window came: batches that finished took
     * less than the interval and the lag shrank. A longer wait before the window (the full run's) may sustain it.
     */
    public boolean drainingStartBacklog() {
        return !sustainable && batches > 0 && avgProcessingMs < intervalMs && lagGrowth < 0;
    }

    /** Records per second per core the job used. */
    public double rpsPerCore() {
        return cpuCores > 0 ? achievedRps / cpuCores : 0;
    }
}
