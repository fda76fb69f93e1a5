package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job in its own JVM (spark-submit) while 300,000 transactions arrive at 30,000 a second: stopped once
 * gracefully (SIGTERM) and then killed (SIGKILL) three times at random moments, each time restarted. In the end
 * every valid transaction is stored exactly once, every invalid one is in the dead-letter topic exactly once, and
 * the committed offsets are the log end.
 */
class JobRestartIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("restart");
    private static final int PARTITIONS = 4;
    private static final long TOTAL = 300_000;
    private static final int KILLS = 3;

    @Test
    void aGracefulStopAndThreeKillsMidStreamLoseAndDuplicateNothing() throws Exception {
        fixture.prepare(RUN, PARTITIONS, 5_000, 500);
        GeneratorConfig generatorConfig = new GeneratorConfig(9001, 5_000, 500, 0.5, 0.01, 0.01);
        long seed = System.nanoTime();
        Random moments = new Random(seed);
        log.info("Kill moments drawn with seed {}.", seed);
        // 4,000 records a second per partition at most: 16,000 a batch, so every stop leaves work to do; a short
        // session lets a restarted driver's consumer replace a killed one's in the group within seconds
        List<String> args = fixture.jobArgs(
                RUN,
                "--max-rate-per-partition",
                "4000",
                "--initial-rate",
                "0",
                "--kafka-prop",
                "session.timeout.ms=6000");
        CompletableFuture<StormProducer.Summary> produced;

        int run = 0;
        try (JobProcess job = JobProcess.start(log(++run), args)) {
            // the storm starts once the job runs: had it come before, the batches Spark queues while a slow machine
            // runs the first one could hold all of it, and the graceful stop, which runs them, would leave none
            job.awaitFirstBatch(Duration.ofSeconds(120));
            produced =
                    CompletableFuture.supplyAsync(() -> fixture.produce(RUN.topic(), generatorConfig, TOTAL, 30_000));
            fixture.awaitCommittedAtLeast(RUN.group(), 1, Duration.ofSeconds(120), job::isAlive);
            assertThat(job.terminate(90))
                    .as("the job exits after SIGTERM; see %s", job.log())
                    .isTrue();
            assertThat(job.output()).contains("Stopping the job gracefully").contains("The job stopped.");
        }
        long committed = fixture.committedTotal(RUN.group());
        assertThat(committed).as("the graceful stop came mid-stream").isBetween(1L, TOTAL - 1);

        List<Long> recoveries = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            try (JobProcess job = JobProcess.start(log(++run), args)) {
                long started = System.nanoTime();
                fixture.awaitCommittedAtLeast(RUN.group(), committed + 1, Duration.ofSeconds(120), job::isAlive);
                recoveries.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                // a random moment within the next few batches
                TimeUnit.MILLISECONDS.sleep(moments.nextInt(3_000));
                job.kill();
            }
            committed = fixture.committedTotal(RUN.group());
            log.info("Kill {} of the job: {} records committed by then.", kill, committed);
            assertThat(committed).as("kill %d came mid-stream", kill).isLessThan(TOTAL);
        }

        StormProducer.Summary summary = produced.get(1, TimeUnit.MINUTES);
        assertThat(summary.acked()).isEqualTo(TOTAL);
        try (JobProcess job = JobProcess.start(log(++run), args)) {
            long started = System.nanoTime();
            fixture.awaitCommittedAtLeast(RUN.group(), committed + 1, Duration.ofSeconds(120), job::isAlive);
            recoveries.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            fixture.awaitCommittedToLogEnd(RUN.group(), RUN.topic(), PARTITIONS, Duration.ofSeconds(240), job::isAlive);
            assertThat(job.terminate(90)).isTrue();
        }
        log.info("Restart to first new commit, after the graceful stop and after each kill: {} ms.", recoveries);

        fixture.assertEveryRecordAccountedFor(generatorConfig, TOTAL, summary, RUN.topic(), RUN.dlq());
    }

    private static Path log(int run) {
        return Path.of("target", "restart-it-" + run + ".log");
    }
}
