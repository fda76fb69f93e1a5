package io.cardstream.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * Which rate a ladder runs next. Its rates in order, up to the first one that is not sustained. When not even the
 * first is sustained, half of it and then a quarter (rounded down to the ladder's step, at least one step), up to the
 * first that is: a slower machine still gets a figure instead of 0. From there it climbs back, twice at most, to the
 * middle of the highest rate sustained and the lowest not sustained above it, so that the figure is not half the
 * first rate only because the steps down are that coarse. The step is {@value #PIPELINE_STEP} tx/s for the
 * pipeline's ladders and {@value #NAIVE_STEP} for the naive one, whose first rate is 500 in the full run.
 */
final class Ladder {

    static final long PIPELINE_STEP = 500;
    static final long NAIVE_STEP = 50;
    private static final int STEPS_DOWN = 2;
    private static final int STEPS_BACK_UP = 2;

    private Ladder() {}

    /** Half of {@code rate}, rounded down to a multiple of {@code step} and at least one step. */
    static long half(long rate, long step) {
        return Math.max(step, rate / 2 / step * step);
    }

    /**
     * The next rate after {@code done} (the rungs this ladder ran, in order), or none: the ladder has ended.
     * {@code step} is the granularity of the rates it tries below and between the listed ones.
     */
    static OptionalLong next(List<Long> rates, List<RateResult> done, long step) {
        if (rates.isEmpty()) {
            return OptionalLong.empty();
        }
        if (done.isEmpty()) {
            return OptionalLong.of(rates.get(0));
        }
        RateResult last = done.get(done.size() - 1);
        if (done.get(0).sustainable()) {
            // climbing: the rungs ran the rates in order (a soak repeats one rate: R,R,R)
            return last.sustainable() && done.size() < rates.size()
                    ? OptionalLong.of(rates.get(done.size()))
                    : OptionalLong.empty();
        }
        int firstHeld = 0;
        while (firstHeld < done.size() && !done.get(firstHeld).sustainable()) {
            firstHeld++;
        }
        if (firstHeld == done.size()) {
            if (done.size() > STEPS_DOWN || last.targetRps() <= step) {
                return OptionalLong.empty();
            }
            long lower = half(last.targetRps(), step);
            return lower < last.targetRps() ? OptionalLong.of(lower) : OptionalLong.empty();
        }
        if (done.size() - 1 - firstHeld >= STEPS_BACK_UP) {
            return OptionalLong.empty();
        }
        long held = done.stream()
                .filter(RateResult::sustainable)
                .mapToLong(RateResult::targetRps)
                .max()
                .orElseThrow();
        // the steps down began at a rate that failed, so there is one above the highest held
        long failed = done.stream()
                .filter(r -> !r.sustainable() && r.targetRps() > held)
                .mapToLong(RateResult::targetRps)
                .min()
                .orElse(held);
        long middle = (held + failed) / 2 / step * step;
        return middle > held && middle < failed ? OptionalLong.of(middle) : OptionalLong.empty();
    }
}
