package io.cardstream.producer;

/**
 * When each record is due in an open-loop run: {@code rate} records a second, except for {@code burstSeconds} at the
 * start of every {@code burstPeriodSeconds}, when it is {@code burstMultiplier} times that. The schedule never
 * adapts to how fast records actually go out: falling behind it is what the producer reports.
 *
 * @param rate               records a second outside bursts
 * @param burstMultiplier    the rate's multiple during a burst; 1 for none
 * @param burstSeconds       how long each burst lasts
 * @param burstPeriodSeconds how often a burst starts
 */
public record RateSchedule(double rate, double burstMultiplier, double burstSeconds, double burstPeriodSeconds) {

    public RateSchedule {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be greater than 0 records a second; got " + rate + ".");
        }
        if (!(burstMultiplier >= 1)) {
            throw new IllegalArgumentException("the burst multiplier must be at least 1; got " + burstMultiplier + ".");
        }
        if (burstMultiplier > 1 && !(burstSeconds > 0 && burstSeconds < burstPeriodSeconds)) {
            throw new IllegalArgumentException("a burst must last more than 0 s and less than its period; got "
                    + burstSeconds + " s every " + burstPeriodSeconds + " s.");
        }
    }

    /** A steady rate with no bursts. */
    public static RateSchedule steady(double rate) {
        return new RateSchedule(rate, 1, 0, 1);
    }

    private boolean bursty() {
        return burstMultiplier > 1;
    }

    /** The target rate at {@code seconds} after the start. */
    public double rateAt(double seconds) {
        return bursty() && seconds % burstPeriodSeconds < burstSeconds ? rate * burstMultiplier : rate;
    }

    /** How many records are due by {@code seconds} after the start. */
    public long dueBy(double seconds) {
        if (!bursty()) {
            return (long) (seconds * rate);
        }
        double perPeriod = rate * (burstMultiplier * burstSeconds + (burstPeriodSeconds - burstSeconds));
        long periods = (long) (seconds / burstPeriodSeconds);
        double inPeriod = seconds - periods * burstPeriodSeconds;
        double partial = inPeriod < burstSeconds
                ? inPeriod * rate * burstMultiplier
                : rate * burstMultiplier * burstSeconds + (inPeriod - burstSeconds) * rate;
        return (long) (periods * perPeriod + partial);
    }

    /** Seconds after the start at which record number {@code count} (0-based) is due: the inverse of dueBy. */
    public double dueAt(long count) {
        if (!bursty()) {
            return count / rate;
        }
        double perPeriod = rate * (burstMultiplier * burstSeconds + (burstPeriodSeconds - burstSeconds));
        long periods = (long) (count / perPeriod);
        double rest = count - periods * perPeriod;
        double burstCount = rate * burstMultiplier * burstSeconds;
        double inPeriod =
                rest < burstCount ? rest / (rate * burstMultiplier) : burstSeconds + (rest - burstCount) / rate;
        return periods * burstPeriodSeconds + inPeriod;
    }
}
