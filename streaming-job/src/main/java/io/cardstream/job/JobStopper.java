package io.cardstream.job;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the job stops. Gracefully: the running and queued batches finish and commit, as long as they do finish; one
 * that sees no batch finish for {@code stop-stall-seconds} (a batch waits on a Kafka or HBase that is down) stops now
 * instead. Now: no further batch starts, and the running batch's tasks get {@link #TASKS_FINISH} to end (each commits
 * its whole partition or nothing). {@code wakeKafka} wakes up the driver's Kafka consumer, which a batch generation may
 * be blocked in.
 */
record JobStopper(JavaStreamingContext context, JobState state, long stopStallSeconds, Runnable wakeKafka) {

    private static final Logger LOG = LoggerFactory.getLogger(JobStopper.class);
    /** How long a stop that does not wait for the running batch still lets its tasks finish. */
    static final Duration TASKS_FINISH = Duration.ofSeconds(10);
    /** How often a stop that waits on a stuck Kafka consumer wakes it up. */
    private static final Duration WAKE_UP_EVERY = Duration.ofMillis(200);

    /** Stops now: no further batch runs; the running batch's tasks may finish. */
    void stopNow() {
        state.stopNow();
        Thread stopper = StreamingJob.daemon("cardstream-stop-now", () -> stopNow(context));
        // Kafka down: the graph's lock is held by a batch's generation, blocked in the driver's consumer
        awaitWakingKafka(stopper, TASKS_FINISH.multipliedBy(3));
    }

    /**
     * Stops the context gracefully while batches keep finishing. Spark's graceful stop waits up to an hour for the
     * batches it has queued, and the generation of the next batch holds the graph's lock while the driver's consumer
     * waits, without a timeout, for a broker; so when no batch has finished for {@code stop-stall-seconds}, the
     * running batch is cancelled (its tasks interrupted), later batches are skipped, and the consumer is woken up
     * until the context has stopped.
     */
    void stopGracefully() {
        Thread stopper = StreamingJob.daemon("cardstream-graceful-stop", () -> context.stop(true, true));
        long started = System.nanoTime();
        long stall = TimeUnit.SECONDS.toNanos(stopStallSeconds);
        try {
            while (stopper.isAlive()) {
                stopper.join(WAKE_UP_EVERY.toMillis());
                long now = System.nanoTime();
                if (stopper.isAlive() && Math.min(now - started, now - state.lastBatchFinished()) > stall) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            // the shutdown hook's own time is up
            Thread.currentThread().interrupt();
        }
        if (!stopper.isAlive()) {
            return;
        }
        LOG.warn(
                "No batch has finished for {} s (stop-stall-seconds) of the graceful stop: a batch waits on Kafka or"
                        + " HBase. Stopping now instead: the running batch is cancelled and no later one runs; partitions"
                        + " that had not committed are read again on the next start.",
                stopStallSeconds);
        state.stopNow();
        context.sparkContext().cancelAllJobs();
        awaitWakingKafka(stopper, TASKS_FINISH.multipliedBy(3));
    }

    /**
     * Waits for a stop running in {@code stopper}, at most {@code bound}; from its second second on, wakes up the
     * driver's Kafka consumer so that a batch generation blocked on a dead broker lets go of the graph's lock (that
     * generation then fails, and Spark logs it as an error).
     */
    void awaitWakingKafka(Thread stopper, Duration bound) {
        long started = System.nanoTime();
        boolean interrupted = Thread.interrupted();
        while (stopper.isAlive()) {
            long waited = System.nanoTime() - started;
            if (waited > bound.toNanos()) {
                LOG.warn(
                        "The Spark context has not stopped within {} s of stopping now; leaving it to the JVM's"
                                + " exit.",
                        bound.toSeconds());
                break;
            }
            if (waited > TimeUnit.SECONDS.toNanos(1)) {
                try {
                    wakeKafka.run();
                } catch (RuntimeException e) {
                    LOG.debug("Waking up the driver's Kafka consumer failed: {}", e.toString());
                }
            }
            try {
                stopper.join(WAKE_UP_EVERY.toMillis());
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops a streaming context and its Spark context without waiting for queued batches, but lets the running
     * batch's tasks finish first (at most {@link #TASKS_FINISH}): Spark would otherwise pull its environment from
     * under them, and they would fail noisily.
     */
    public static void stopNow(JavaStreamingContext context) {
        JavaSparkContext spark = context.sparkContext();
        context.stop(false, false);
        long deadline = System.nanoTime() + TASKS_FINISH.toNanos();
        try {
            while (spark.statusTracker().getActiveJobIds().length > 0) {
                if (System.nanoTime() > deadline) {
                    LOG.info(
                            "Tasks of the cut-short batch still run after {} s; they stop with Spark.",
                            TASKS_FINISH.toSeconds());
                    break;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spark.stop();
    }
}
