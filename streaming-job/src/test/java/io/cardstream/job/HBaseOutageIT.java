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
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HBase crashes (SIGKILL) mid-stream and comes back some seconds later: while it is down no offset is committed,
 * since no batch can have written its rows; once it is back the job carries on and every transaction is stored.
 */
class HBaseOutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(HBaseOutageIT.class);
    private static final JobFixture.Names RUN = JobFixture.Names.of("outage");

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    private final JobFixture fixture = new JobFixture(STACK);

    @Test
    void noOffsetIsCommittedWhileHBaseIsDownAndNothingIsLost() throws Exception {
        fixture.prepare(RUN, 2, 2_000, 200);
        JobConfig config = fixture.jobConfig(RUN, 5_000L);
        GeneratorConfig before = new GeneratorConfig(31, 2_000, 200, 0, 0.01, 0.01);
        GeneratorConfig during = new GeneratorConfig(32, 2_000, 200, 0, 0.01, 0.01);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        try {
            job.start();
            StormProducer.Summary first = fixture.produce(RUN.topic(), before, 10_000, 10_000);
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(120), () -> job.failure() == null);

            CompletableFuture<StormProducer.Summary> second =
                    CompletableFuture.supplyAsync(() -> fixture.produce(RUN.topic(), during, 30_000, 3_000));
            STACK.stack().stop(LocalStack.HBASE, true);
            long crashed = System.nanoTime();
            // a batch whose rows were all flushed before the crash may still commit: give it 2 s, then watch
            TimeUnit.SECONDS.sleep(2);
            Map<TopicPartition, Long> atOutage = fixture.committed(RUN.group());
            long watchUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < watchUntil) {
                assertThat(fixture.committed(RUN.group()))
                        .as("committed offsets while HBase is down")
                        .isEqualTo(atOutage);
                TimeUnit.MILLISECONDS.sleep(250);
            }
            assertThat(fixture.logEnd(RUN.topic(), 2).values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .as("records kept arriving during the outage")
                    .isGreaterThan(atOutage.values().stream()
                            .mapToLong(Long::longValue)
                            .sum());

            STACK.stack().start(LocalStack.HBASE);
            long back = System.nanoTime();
            long committedAtOutage =
                    atOutage.values().stream().mapToLong(Long::longValue).sum();
            fixture.awaitCommittedAtLeast(
                    RUN.group(), committedAtOutage + 1, Duration.ofSeconds(120), () -> job.failure() == null);
            LOG.info(
                    "HBase was down {} ms (killed, watched, restarted); the job committed again {} ms after it was"
                            + " back.",
                    TimeUnit.NANOSECONDS.toMillis(back - crashed),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
            StormProducer.Summary secondSummary = second.get(2, TimeUnit.MINUTES);
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(240), () -> job.failure() == null);
            assertThat(job.failure()).isNull();

            fixture.assertEveryValidStored(before, 10_000, first.valid());
            fixture.assertEveryValidStored(during, 30_000, secondSummary.valid());
            fixture.assertEveryInvalidDeadLettered(first.invalid() + secondSummary.invalid(), RUN.topic(), RUN.dlq());
            passed = true;
        } finally {
            // after a failure a batch may be stuck on a dead service; a graceful stop would wait for it
            job.stop(passed);
        }
    }
}
