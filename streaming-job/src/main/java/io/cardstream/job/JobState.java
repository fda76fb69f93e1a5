package io.cardstream.job;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What the batches and the stop share while the job runs: the first failure (after which no batch runs or commits),
 * whether a stop has given up waiting (after which batches are skipped, to be read again on the next start), and when
 * a batch last finished (what the stall watches measure).
 */
final class JobState {

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stoppingNow;
    private volatile long lastBatchFinished = System.nanoTime();

    /** Records the job's first failure; false when one was recorded before. */
    boolean fail(Throwable cause) {
        return failure.compareAndSet(null, cause);
    }

    Throwable failure() {
        return failure.get();
    }

    void stopNow() {
        stoppingNow = true;
    }

    boolean stoppingNow() {
        return stoppingNow;
    }

    void batchFinished() {
        lastBatchFinished = System.nanoTime();
    }

    /** {@link System#nanoTime()} when a batch last finished, or when the job started. */
    long lastBatchFinished() {
        return lastBatchFinished;
    }
}
