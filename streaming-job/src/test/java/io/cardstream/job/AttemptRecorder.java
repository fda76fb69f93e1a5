package io.cardstream.job;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A Spark listener for tests ({@code spark.extraListeners}): counts the task attempts that ended which were not a
 * task's first (a retry, or a speculative copy), as Spark's own scheduler reports them.
 */
public final class AttemptRecorder extends SparkListener {

    static final AtomicInteger RETRIES = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().attemptNumber() > 0) {
            RETRIES.incrementAndGet();
        }
    }
}
