package io.cardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HostCpuTest {

    /** Two readings of this machine's /proc/stat around a codec-bench (2026-12-03): 72.6 s of 2 cores. */
    @Test
    void theStealShareIsTheStolenPartOfAllCpuTimeBetweenTwoReadings() {
        long[] before = HostCpu.parse("cpu  3633209 829 302886 3804394 15185 0 49082 312740 0 0");
        long[] after = HostCpu.parse("cpu  3636917 829 303070 3807055 15185 0 49097 313430 0 0");
        assertThat(HostCpu.stealShare(before, after)).isCloseTo(690 / 7258.0, within(1e-9));
        assertThat(HostCpu.stealShare(after, after)).as("no time passed").isEqualTo(-1);
    }

    @Test
    void anOlderKernelsShorterLineCountsWhatItHas() {
        long[] counters = HostCpu.parse("cpu 10 0 5 100 1 0 0");
        assertThat(counters).containsExactly(10, 0, 5, 100, 1, 0, 0, 0);
        assertThat(HostCpu.stealShare(counters, HostCpu.parse("cpu 20 0 5 190 1 0 0")))
                .isZero();
    }

    @Test
    void onLinuxTheCountersAreRead() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertThat(HostCpu.counters())
                    .hasValueSatisfying(c -> assertThat(c[3]).as("idle").isPositive());
        }
    }
}
