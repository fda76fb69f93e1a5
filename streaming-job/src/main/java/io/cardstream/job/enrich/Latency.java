package io.cardstream.job.enrich;

import org.HdrHistogram.Histogram;

/** Latency histograms, event time to written, in milliseconds: up to an hour, 2 significant digits (1 % error). */
public final class Latency {

    public static final long HIGHEST_TRACKABLE_MS = 3_600_000L;

    public static final int SIGNIFICANT_DIGITS = 2;

    private Latency() {}

    public static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MS, SIGNIFICANT_DIGITS);
    }

    /** Records {@code ms}, clamped to what the histogram tracks (a clock behind the producer's gives 0). */
    public static void record(Histogram histogram, long ms) {
        histogram.recordValue(Math.min(HIGHEST_TRACKABLE_MS, Math.max(0, ms)));
    }
}
