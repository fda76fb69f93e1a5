package io.cardstream.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.TaskContext;

/**
 * A test-only hook: the steps of a partition's work where a test may make a task attempt fail, to show what a retry,
 * a speculative copy or a lost executor finds there. Unset (the default, and always outside tests), every step
 * passes. It lives in the JVM that runs the task: in local mode, the test's own.
 */
final class Faults {

    /** Where in a partition's work. */
    enum Step {
        /** Rows held by the row sink, before they are sent. */
        BEFORE_FLUSH,
        /** Rows flushed to HBase. */
        AFTER_FLUSH,
        /** All rows flushed and all dead letters sent, before the commit. */
        AFTER_DEAD_LETTERS,
        /** The transaction committed, before the result goes back to the driver. */
        AFTER_COMMIT,
        /**
         * While the result is serialized for the driver, after the commit and after the task's own code: the
         * partition is null and the attempt -1 there.
         */
        SERIALIZING
    }

    /** What a hook sees of the attempt it may fail. */
    record Point(Step step, TopicPartition partition, long batchTime, int attempt) {}

    /** The failure a hook injects. */
    static final class Injected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Injected(Point point) {
            super("Injected fault at " + point.step() + " of " + point.partition() + ", batch " + point.batchTime()
                    + ", attempt " + point.attempt() + " (a test's fault hook).");
        }
    }

    /**
     * Executor JVMs of a cluster IT get their fault from system properties ({@code spark.executor.extraJavaOptions}):
     * {@code cardstream.test.fault.step}, {@code .partition}, {@code .action} ({@code halt}: the JVM dies at once, as
     * by SIGKILL; {@code sleep}: the attempt waits {@code .millis}), once per cluster: the first JVM to get there
     * creates the file {@code .marker}, and no JVM acts once it exists.
     */
    private static volatile Predicate<Point> hook = fromSystemProperties();

    private Faults() {}

    private static Predicate<Point> fromSystemProperties() {
        String step = System.getProperty("cardstream.test.fault.step");
        if (step == null) {
            return null;
        }
        Step at = Step.valueOf(step);
        int partition = Integer.parseInt(System.getProperty("cardstream.test.fault.partition", "0"));
        String action = System.getProperty("cardstream.test.fault.action", "halt");
        long millis = Long.parseLong(System.getProperty("cardstream.test.fault.millis", "10000"));
        Path marker = Path.of(System.getProperty("cardstream.test.fault.marker"));
        return point -> {
            if (point.step() != at
                    || point.attempt() != 0
                    || point.partition() == null
                    || point.partition().partition() != partition) {
                return false;
            }
            try {
                Files.createFile(marker);
            } catch (IOException e) {
                return false;
            }
            if (action.equals("halt")) {
                Runtime.getRuntime().halt(137);
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
    }

    /** Sets the hook (null: none): it fails the attempt at every point it answers true for. */
    static void set(Predicate<Point> failAt) {
        hook = failAt;
    }

    static void at(Step step, TopicPartition partition, long batchTime) {
        Predicate<Point> h = hook;
        if (h == null) {
            return;
        }
        TaskContext task = TaskContext.get();
        Point point = new Point(step, partition, batchTime, task == null ? -1 : task.attemptNumber());
        if (h.test(point)) {
            throw new Injected(point);
        }
    }
}
