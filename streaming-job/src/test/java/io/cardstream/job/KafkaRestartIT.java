package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalStack;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka broker crashes (SIGKILL) mid-run, while the storm is being produced and the job is consuming, and is
 * restarted on the same port and data. The job rides it out: every valid transaction is stored exactly once, every
 * invalid one is dead-lettered exactly once, and the committed offsets reach the log end.
 */
class KafkaRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRestartIT.class);
    private static final JobFixture.Names RUN = JobFixture.Names.of("broker-restart");
    private static final int PARTITIONS = 4;
    private static final long COUNT = 60_000;

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    private final JobFixture fixture = new JobFixture(STACK);

    @Test
    void aBrokerCrashMidRunLosesAndDuplicatesNothing() throws Exception {
        fixture.prepare(RUN, PARTITIONS, 5_000, 500);
        JobConfig config = fixture.jobConfig(RUN, 10_000L);
        GeneratorConfig generator = new GeneratorConfig(4242, 5_000, 500, 0.8, 0.01, 0.01);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        try {
            job.start();
            CompletableFuture<StormProducer.Summary> produced =
                    CompletableFuture.supplyAsync(() -> fixture.produce(RUN.topic(), generator, COUNT, 6_000));
            awaitCommittedAtLeast(1, job);

            long crashed = System.nanoTime();
            STACK.stack().stop(LocalStack.KAFKA, true);
            STACK.stack().start(LocalStack.KAFKA);
            long restarted = System.nanoTime();
            long committedAtRestart = committedTotal();
            assertThat(committedAtRestart).as("the crash came mid-run").isLessThan(COUNT);

            StormProducer.Summary summary = produced.get(3, TimeUnit.MINUTES);
            assertThat(summary.errors())
                    .as("records the producer could not deliver")
                    .isZero();
            assertThat(summary.acked()).isEqualTo(COUNT);
            awaitCommittedAtLeast(committedAtRestart + 1, job);
            long recovered = System.nanoTime();
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), PARTITIONS, Duration.ofSeconds(180), () -> job.failure() == null);
            assertThat(job.failure()).isNull();
            LOG.info(
                    "Broker down and back in {} ms; the job committed again {} ms after the restart.",
                    TimeUnit.NANOSECONDS.toMillis(restarted - crashed),
                    TimeUnit.NANOSECONDS.toMillis(recovered - restarted));

            fixture.assertEveryRecordAccountedFor(generator, COUNT, summary, RUN.topic(), RUN.dlq());
            passed = true;
        } finally {
            // after a failure a batch may be stuck on a dead service; a graceful stop would wait for it
            job.stop(passed);
        }
    }

    /**
     * The broker crashes and stays down, and the job is asked to stop gracefully. Its running batch cannot finish
     * (its tasks wait on Kafka), and Spark's graceful stop would wait for it, and for the next batch's generation,
     * blocked in the driver's consumer, until the broker came back. The stop gives up after stop-stall-seconds and
     * ends; a job started once the broker is back stores and dead-letters every record exactly once.
     */
    @Test
    void aGracefulStopWithTheBrokerDownEndsAfterItsStallAndLosesNothing() throws Exception {
        JobFixture.Names run = JobFixture.Names.of("broker-down");
        String group = run.group();
        long count = 40_000;
        long stallSeconds = 5;
        GeneratorConfig generator = new GeneratorConfig(4343, 5_000, 500, 0.8, 0.01, 0.01);
        StormProducer.Summary summary = fixture.preparedWithRecords(run, PARTITIONS, generator, count);
        // 4 partitions at 1,000 records a second each: about 10 s of batches. The stopped job's consumer cannot leave
        // the group with the broker down, and the coordinator waits for its session to end before the next job's
        // consumer gets the partitions: a short session (Kafka's default is 45 s) keeps that wait to seconds
        JobConfig config = fixture.jobConfig(run, 1_000L)
                .with(JobSettings.STOP_STALL_SECONDS, stallSeconds)
                .withKafkaProperties(Map.of("session.timeout.ms", "6000"));
        StreamingJob job = new StreamingJob(config);
        job.start();
        boolean stopped = false;
        try {
            fixture.awaitCommittedAtLeast(group, 1, Duration.ofSeconds(120), () -> job.failure() == null);
            STACK.stack().stop(LocalStack.KAFKA, true);
            long stopping = System.nanoTime();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> job.stop(true));
            // without the stall rule this waits for the broker, i.e. for ever
            stop.get(stallSeconds + 60, TimeUnit.SECONDS);
            stopped = true;
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            LOG.info(
                    "The graceful stop with the broker down took {} ms (stop-stall-seconds {}).", tookMs, stallSeconds);
            assertThat(tookMs).as("the stop waited the stall out first").isGreaterThanOrEqualTo(stallSeconds * 1000);
        } finally {
            if (!stopped) {
                job.stop(false);
            }
            STACK.stack().start(LocalStack.KAFKA);
        }
        assertThat(fixture.committedTotal(group)).as("the broker died mid-run").isLessThan(count);

        fixture.runUntilDrained(config, run, PARTITIONS);
        fixture.assertEveryRecordAccountedFor(generator, count, summary, run.topic(), run.dlq());
    }

    /**
     * The broker dies and does not come back: the job does not wait for ever. Once no batch has finished and the
     * brokers have not answered for kafka-timeout-seconds, it fails, naming the brokers it could not reach.
     */
    @Test
    void aBrokerThatStaysDownFailsTheJobAfterTheTimeoutNamingTheBrokers() throws Exception {
        JobFixture.Names run = JobFixture.Names.of("broker-gone");
        fixture.preparedWithRecords(run, PARTITIONS, new GeneratorConfig(4444, 5_000, 500, 0.8, 0.01, 0.01), 2_000);
        JobConfig config = fixture.jobConfig(run, 10_000L).withKafkaTimeoutSeconds(10);
        StreamingJob job = new StreamingJob(config);
        job.start();
        try {
            fixture.awaitCommittedToLogEnd(
                    run.group(), run.topic(), PARTITIONS, Duration.ofSeconds(120), () -> job.failure() == null);
            STACK.stack().stop(LocalStack.KAFKA, true);
            long down = System.nanoTime();
            JobFixture.awaitFailure(job, Duration.ofSeconds(90));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down);
            LOG.info(
                    "With the broker gone, the job failed after {} ms: {}",
                    tookMs,
                    job.failure().getMessage());
            assertThat(tookMs).as("it waited out kafka-timeout-seconds first").isGreaterThanOrEqualTo(10_000);
            assertThat(job.failure())
                    .hasMessageContaining(STACK.bootstrapServers())
                    .hasMessageContaining("kafka-timeout-seconds");
            assertThat(job.stopping()).as("the job stopped itself").isTrue();
        } finally {
            job.stop(false);
            STACK.stack().start(LocalStack.KAFKA);
        }
    }

    private long committedTotal() throws Exception {
        return fixture.committedTotal(RUN.group());
    }

    private void awaitCommittedAtLeast(long total, StreamingJob job) throws Exception {
        fixture.awaitCommittedAtLeast(RUN.group(), total, Duration.ofSeconds(120), () -> job.failure() == null);
    }
}
