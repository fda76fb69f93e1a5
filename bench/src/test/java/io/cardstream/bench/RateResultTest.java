package io.cardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateResultTest {

    private static RateResult rung(int batches, double processingMs, long lagGrowth, boolean sustainable) {
        return new RateResult(
                "pipeline",
                1000,
                7_500,
                5_499,
                batches,
                processingMs,
                4_831,
                5_672,
                lagGrowth,
                5_359,
                6_768,
                7_125,
                7_411,
                9_000,
                0.59,
                551,
                0.88,
                0.28,
                0.19,
                sustainable,
                null);
    }

    /** The figures of a quick run's 7,500 tx/s rung on a slow machine (2026-12-02), and variations of them. */
    @Test
    void aRungStillDrainingItsStartIsToldApartFromOneThatCannotKeepUp() {
        assertThat(rung(11, 823, -24_462, false).drainingStartBacklog()).isTrue();
        assertThat(rung(11, 1_120, -24_462, false).drainingStartBacklog())
                .as("batches slower than the interval")
                .isFalse();
        assertThat(rung(11, 823, 3_000, false).drainingStartBacklog())
                .as("the lag grew")
                .isFalse();
        assertThat(rung(0, 0, 77_603, false).drainingStartBacklog())
                .as("no batch finished")
                .isFalse();
        assertThat(rung(15, 495, -67, true).drainingStartBacklog())
                .as("sustained")
                .isFalse();
    }
}
