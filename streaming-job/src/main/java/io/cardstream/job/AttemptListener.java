package io.cardstream.job;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the driver: one INFO line for every task attempt that was not a task's only one, a retry or a speculative copy,
 * when it ends, with its host and outcome, so an operator can see retries and speculation at work (each such attempt
 * of a committed range does nothing: see docs/reliability.md). First attempts that succeed say nothing.
 */
final class AttemptListener extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptListener.class);

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskInfo info = end.taskInfo();
        if (info.attemptNumber() == 0 && !info.speculative() && info.successful()) {
            return;
        }
        // the task's index is the index of its offset range in the batch, not a Kafka partition; the task's own
        // lines name its partition
        LOG.info(
                "Task {} of stage {}, attempt {}{}, ended on {} (executor {}): {}.",
                info.index(),
                end.stageId(),
                info.attemptNumber(),
                info.speculative() ? " (a speculative copy)" : "",
                info.host(),
                info.executorId(),
                info.successful() ? "success" : end.reason().toString());
    }
}
