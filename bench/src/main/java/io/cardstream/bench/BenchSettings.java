package io.cardstream.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What a benchmark run measures and for how long.
 *
 * @param quick           the short run (about 5 minutes): fewer, shorter rungs and smaller raw-limit samples
 * @param warmupSeconds   seconds of each rung at least before its measured window, which starts once the job has
 *                        caught up with the rung's start (its last 3 batches held half the rate or more and started
 *                        within half an interval)
 * @param warmupMaxSeconds seconds after which the window starts even if the job has not caught up
 * @param holdSeconds     seconds each rung's rate is measured
 * @param rates1000       the pipeline's ladder at 1 s batches (stops after the first rung it does not sustain)
 * @param rates500        the pipeline's ladder at 500 ms batches
 * @param naiveRates      the naive design's ladder at 1 s batches
 * @param persons         person rows loaded (and the generator's id space)
 * @param companies       company rows loaded
 * @param consumeRecords  records ConsumerPerformance reads
 * @param writeRows       rows each HBase write rate is measured on: the burst into an empty table, then the sustained
 *                        rate over as many again (after a warm-up of at most 100k rows)
 * @param getSeconds      seconds the batched-get limit is measured
 * @param warmupRate      the rate of the unmeasured run that warms the job's JVM before the ladders
 * @param jvmWarmupSeconds how long that run lasts; it is run again at half the rate (at most
 *                        {@link #JVM_WARMUP_RUNS} runs in all) while its batches, capped at the rate's size, still
 *                        take longer than the interval
 * @param quiesceMaxSeconds the longest wait, before each ladder, for HBase to finish compacting what earlier ones
 *                        wrote
 * @param outDir          where latest.json, latest.md and the chart go
 * @param dataDir         the local stack's data (emptied at start)
 */
public record BenchSettings(
        boolean quick,
        long warmupSeconds,
        long warmupMaxSeconds,
        long holdSeconds,
        List<Long> rates1000,
        List<Long> rates500,
        List<Long> naiveRates,
        int persons,
        int companies,
        long consumeRecords,
        long writeRows,
        long getSeconds,
        long warmupRate,
        long jvmWarmupSeconds,
        long quiesceMaxSeconds,
        Path outDir,
        Path dataDir) {

    /** The most unmeasured warm-up runs before the ladders start (the ladders start after it either way). */
    static final int JVM_WARMUP_RUNS = 3;

    /**
     * The full run: each rate measured for 60 s after 20 to 60 s of warm-up. The pipeline's ladders step by 2,500
     * tx/s from 15,000 to 35,000 and the naive one by 250 from 500 to 2,500, around and beyond where they ended
     * before, so the sustained figures and their ratio are not artefacts of coarse steps.
     */
    static BenchSettings full(Path outDir, Path dataDir) {
        return new BenchSettings(
                false,
                20,
                60,
                60,
                List.of(
                        15_000L, 17_500L, 20_000L, 22_500L, 25_000L, 27_500L, 30_000L, 32_500L, 35_000L, 40_000L,
                        50_000L, 75_000L, 100_000L, 125_000L, 150_000L),
                List.of(
                        10_000L, 15_000L, 17_500L, 20_000L, 22_500L, 25_000L, 27_500L, 30_000L, 32_500L, 35_000L,
                        40_000L, 50_000L),
                List.of(
                        500L, 750L, 1_000L, 1_250L, 1_500L, 1_750L, 2_000L, 2_250L, 2_500L, 3_000L, 4_000L, 6_000L,
                        8_000L),
                100_000,
                10_000,
                3_000_000,
                1_500_000,
                20,
                15_000,
                60,
                600,
                outDir,
                dataDir);
    }

    /**
     * About 15 minutes on a machine like the published one's: 15 s rungs after 10 to 30 s of warm-up, coarse ladders
     * (five rungs at most at 1 s, two at 500 ms, two naive; each in both row layouts but the naive one), a 20 s JVM warm-up, smaller
     * raw-limit samples and at most 30 s of waiting for compactions before a ladder. A first look, not the published
     * figures.
     */
    static BenchSettings quick(Path outDir, Path dataDir) {
        return new BenchSettings(
                true,
                10,
                30,
                15,
                List.of(15_000L, 22_500L, 30_000L, 45_000L, 60_000L),
                List.of(15_000L, 22_500L),
                List.of(1_000L, 2_000L),
                100_000,
                10_000,
                1_000_000,
                200_000,
                5,
                10_000,
                20,
                30,
                outDir,
                dataDir);
    }
}
