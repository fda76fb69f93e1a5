package io.cardstream.bench;

import io.cardstream.job.PartitionResult;

/** Rungs for the report's and the ladder's tests: the figures of a run that held its rate, or one that fell behind. */
final class TestRungs {

    private TestRungs() {}

    /**
     * A rung of {@code design} at {@code rate} tx/s and {@code interval} ms batches with the given p99: when {@code ok},
     * it achieved its rate with no lag; otherwise it reached 70% of it and fell 90,000 records behind.
     */
    static RateResult rung(String design, long interval, long rate, boolean ok, long p99) {
        return new RateResult(
                design,
                interval,
                rate,
                ok ? rate : rate * 0.7,
                20,
                600,
                ok ? 10 : 4000,
                50,
                ok ? 0 : 90_000,
                700,
                900,
                p99,
                p99 + 100,
                100_000,
                1.5,
                900,
                1.2,
                0.1,
                -1,
                ok,
                design.equals("naive")
                        ? null
                        : new PartitionResult.TaskTimes(1_120_400, 56_000, 504_000, 302_500, 201_600));
    }
}
