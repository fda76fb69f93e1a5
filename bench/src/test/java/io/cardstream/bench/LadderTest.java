package io.cardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

class LadderTest {

    private static final List<Long> RATES = List.of(15_000L, 20_000L, 25_000L);

    /** The rates a ladder runs on a machine that sustains exactly those {@code sustains} accepts. */
    private static List<Long> run(List<Long> rates, LongPredicate sustains) {
        return run(rates, Ladder.PIPELINE_STEP, sustains);
    }

    private static List<Long> run(List<Long> rates, long step, LongPredicate sustains) {
        List<RateResult> done = new ArrayList<>();
        List<Long> ran = new ArrayList<>();
        for (OptionalLong r = Ladder.next(rates, done, step); r.isPresent(); r = Ladder.next(rates, done, step)) {
            long rate = r.getAsLong();
            ran.add(rate);
            done.add(TestRungs.rung("pipeline", 1000, rate, sustains.test(rate), 1000));
            assertThat(ran).as("a ladder ends").hasSizeLessThan(10);
        }
        return ran;
    }

    @Test
    void climbsUntilTheFirstRateItDoesNotSustain() {
        assertThat(run(RATES, rate -> rate <= 20_000)).containsExactly(15_000L, 20_000L, 25_000L);
        assertThat(run(RATES, rate -> true)).containsExactly(15_000L, 20_000L, 25_000L);
    }

    @Test
    void aSoakRunsItsRepeatedRateAsOftenAsGivenAndStopsAtTheFirstFailure() {
        assertThat(run(List.of(4_000L, 4_000L, 4_000L), rate -> true)).containsExactly(4_000L, 4_000L, 4_000L);
        List<Boolean> outcomes = new ArrayList<>(List.of(true, false, true));
        assertThat(run(List.of(4_000L, 4_000L, 4_000L), rate -> outcomes.remove(0)))
                .containsExactly(4_000L, 4_000L);
    }

    @Test
    void whenEvenTheFirstRateFailsItTriesHalfThenAQuarterUntilOneHolds() {
        assertThat(run(RATES, rate -> false)).containsExactly(15_000L, 7_500L, 3_500L);
        assertThat(run(RATES, rate -> rate <= 1_000)).containsExactly(15_000L, 7_500L, 3_500L);
    }

    @Test
    void fromTheRateThatHoldsItClimbsBackTwiceToTheMiddleOfWhatHeldAndWhatFailed() {
        // 7,500 holds, 11,000 (the middle of 7,500 and 15,000) does not, 9,000 does not: the figure stays 7,500
        assertThat(run(RATES, rate -> rate <= 7_500)).containsExactly(15_000L, 7_500L, 11_000L, 9_000L);
        assertThat(run(RATES, rate -> rate <= 9_000)).containsExactly(15_000L, 7_500L, 11_000L, 9_000L);
        assertThat(run(RATES, rate -> rate <= 12_000)).containsExactly(15_000L, 7_500L, 11_000L, 13_000L);
        assertThat(run(RATES, rate -> rate <= 4_000)).containsExactly(15_000L, 7_500L, 3_500L, 5_500L, 4_500L);
    }

    @Test
    void stepsDownInWholeStepsAndNeverBelowOne() {
        assertThat(run(List.of(1_000L, 2_000L), rate -> false)).containsExactly(1_000L, 500L);
        assertThat(run(List.of(1_000L, 2_000L), rate -> rate <= 500)).containsExactly(1_000L, 500L);
        assertThat(run(List.of(500L), rate -> false)).containsExactly(500L);
    }

    @Test
    void halfIsRoundedDownToTheStepAndNeverBelowIt() {
        assertThat(Ladder.half(10_000, 500)).isEqualTo(5_000);
        assertThat(Ladder.half(7_500, 500)).isEqualTo(3_500);
        assertThat(Ladder.half(1_000, 500)).isEqualTo(500);
        assertThat(Ladder.half(500, 500)).isEqualTo(500);
        assertThat(Ladder.half(500, 50)).isEqualTo(250);
        assertThat(Ladder.half(250, 50)).isEqualTo(100);
    }

    /**
     * A slow machine's full run (2026-12-03): the naive design fell behind at its first rate, 500 tx/s, and with the
     * pipeline's 500 tx/s steps that was also its last rung.
     */
    @Test
    void theNaiveLadderStepsDownInItsOwnFinerSteps() {
        List<Long> naive = BenchSettings.full(Path.of("out"), Path.of("data")).naiveRates();
        assertThat(run(naive, Ladder.NAIVE_STEP, rate -> rate <= 300)).containsExactly(500L, 250L, 350L, 300L);
        assertThat(run(naive, Ladder.NAIVE_STEP, rate -> rate <= 200)).containsExactly(500L, 250L, 100L, 150L, 200L);
    }
}
