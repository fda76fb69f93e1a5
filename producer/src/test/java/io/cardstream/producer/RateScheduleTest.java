package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    @Test
    void aSteadyScheduleIsLinear() {
        RateSchedule s = RateSchedule.steady(50_000);
        assertThat(s.dueBy(0)).isZero();
        assertThat(s.dueBy(2.5)).isEqualTo(125_000);
        assertThat(s.dueAt(125_000)).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void aBurstMultipliesTheRateForItsSecondsInEveryPeriod() {
        RateSchedule s = new RateSchedule(1000, 3, 5, 30);
        assertThat(s.rateAt(1)).isEqualTo(3000);
        assertThat(s.rateAt(6)).isEqualTo(1000);
        assertThat(s.rateAt(31)).isEqualTo(3000);
        assertThat(s.dueBy(5)).isEqualTo(15_000);
        assertThat(s.dueBy(30)).isEqualTo(40_000);
        assertThat(s.dueBy(35)).isEqualTo(55_000);
    }

    @Test
    void dueAtInvertsDueBy() {
        RateSchedule s = new RateSchedule(1000, 4, 2, 10);
        for (long count = 0; count < 100_000; count += 997) {
            assertThat(s.dueBy(s.dueAt(count) + 1e-9)).isBetween(count - 1, count + 1);
        }
    }

    @Test
    void rejectsANonPositiveRateAndABurstLongerThanItsPeriod() {
        assertThatThrownBy(() -> RateSchedule.steady(0)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new RateSchedule(100, 2, 30, 30)).hasMessageContaining("burst");
    }
}
