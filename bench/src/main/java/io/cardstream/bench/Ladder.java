package io.cardstream.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * Which rate a ladder runs next. Its rates in order, up to the first one that is not sustained. When not even the
 * first is sustained, half of it and then a quarter (rounded down to {@value #STEP} tx/s, at least that), up to the
 * first that is: a slower machine still gets a figure instead of 0. From there it climbs back, twice at most, to the
 * middle of the highest rate sustained and the lowest not sustained above it, so that the figure is not half the
 * first rate only because the steps down are that coarse.
 */
final class Ladder {

    static final long STEP = 500;
    private static final int STEPS_DOWN = 2;
    private static final int STEPS_BACK_UP = 2;

    private Ladder() {
    }

    /** Half of {@code rate}, rounded down to {@value #STEP} tx/s and at least that. */
    static long half(long rate) {
        return Math.max(STEP, rate / 2 / STEP * STEP);
    }

    /** The next rate after {@code done} (the rungs this ladder ran, in order), or none: the ladder has ended. */
    static OptionalLong next(List<Long> rates, List<RateResult> done) {
        if (rates.isEmpty()) {
            return OptionalLong.empty();
        }
        if (done.isEmpty()) {
            return OptionalLong.of(rates.get(0));
        }
        RateResult last = done.get(done.size() - 1);
        if (done.get(0).sustainable()) {
            // climbing: the rungs ran the rates in order (a soak repeats one rate: R,R,R)
            return last.sustainable() && done.size() < rates.size() ? OptionalLong.of(rates.get(done.size()))
                    : OptionalLong.empty();
        }
        int firstHeld = 0;
        while (firstHeld < done.size() && !done.get(firstHeld).sustainable()) {
            firstHeld++;
        }
        if (firstHeld == done.size()) {
            if (done.size() > STEPS_DOWN || last.targetRps() <= STEP) {
                return OptionalLong.empty();
            }
            long lower = half(last.targetRps());
            return lower < last.targetRps() ? OptionalLong.of(lower) : OptionalLong.empty();
        }
        if (done.size() - 1 - firstHeld >= STEPS_BACK_UP) {
            return OptionalLong.empty();
        }
        long held = done.stream().filter(RateResult::sustainable).mapToLong(RateResult::targetRps).max().orElseThrow();
        // the steps down began at a rate that failed, so there is one above the highest held
        long failed = done.stream().filter(r -> !r.sustainable() && r.targetRps() > held)
                .mapToLong(RateResult::targetRps).min().orElse(held);
        long middle = (held + failed) / 2 / STEP * STEP;
        return middle > held && middle < failed ? OptionalLong.of(middle) : OptionalLong.empty();
    }
}
