package io.cardstream.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What a benchmark run measures and for how long.
 *
 * @param quick           the short run (about 10 minutes): fewer, shorter rungs and smaller raw-limit samples
 * @param warmupSeconds   seconds of each rung before its measured window
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
 * @param jvmWarmupSeconds how long that run lasts
 * @param outDir          where latest.json, latest.md and the chart go
 * @param dataDir         the local stack's data (emptied at start)
 */
public record BenchSettings(boolean quick, long warmupSeconds, long holdSeconds, List<Long> rates1000,
                            List<Long> rates500, List<Long> naiveRates, int persons, int companies,
                            long consumeRecords, long writeRows, long getSeconds, long warmupRate,
                            long jvmWarmupSeconds, Path outDir, Path dataDir) {

    /**
     * The full run: each rate held 60 s after 20 s of warm-up. The 1 s and naive ladders step by 2,500 and 250 tx/s
     * around where they ended before, so the sustained figures and their ratio are not artefacts of coarse steps.
     */
    static BenchSettings full(Path outDir, Path dataDir) {
        return new BenchSettings(false, 20, 60, List.of(15_000L, 17_500L, 20_000L, 22_500L, 25_000L, 27_500L,
                30_000L, 35_000L, 40_000L, 50_000L, 75_000L, 100_000L, 125_000L, 150_000L),
                List.of(10_000L, 15_000L, 20_000L, 25_000L, 30_000L, 40_000L, 50_000L),
                List.of(500L, 750L, 1_000L, 1_250L, 1_500L, 2_000L, 3_000L, 4_000L, 6_000L, 8_000L), 100_000, 10_000,
                3_000_000, 1_500_000, 20, 15_000, 60, outDir, dataDir);
    }

    /** About 10 minutes (9.5 here): 20 s rungs after 10 s of warm-up, a short ladder each. */
    static BenchSettings quick(Path outDir, Path dataDir) {
        return new BenchSettings(true, 10, 20, List.of(15_000L, 20_000L, 25_000L, 30_000L),
                List.of(10_000L, 15_000L, 20_000L), List.of(1_000L, 1_500L, 2_000L), 100_000, 10_000, 1_000_000,
                300_000, 10, 10_000, 30, outDir, dataDir);
    }
}
