package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import java.util.Set;

import io.cardstream.core.Topics;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job in its own JVM (spark-submit), stopped mid-stream twice, with records still to process: once
 * gracefully (SIGTERM), once abruptly (SIGKILL); each time restarted. In the end every valid transaction is stored
 * exactly once and every invalid one's position is in the dead-letter topic.
 */
class JobRestartIT {

    private static final String TOPIC = "restart-tx";
    private static final String DLQ = "restart-dlq";
    private static final String GROUP = "restart-group";
    private static final long TOTAL = 100_000;

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    private final JobFixture fixture = new JobFixture(STACK);

    @Test
    void aGracefulStopAndAKillMidStreamLoseAndDuplicateNothing() throws Exception {
        fixture.schemaAndDimensions(5_000, 500);
        fixture.topics(TOPIC, 4, DLQ);
        GeneratorConfig generatorConfig = new GeneratorConfig(9001, 5_000, 500, 0.5, 0.01, 0.01);
        StormProducer.Summary summary = fixture.produce(TOPIC, generatorConfig, TOTAL, 50_000);
        assertThat(summary.errors()).isZero();
        // 2,000 records a second per partition: 8,000 a batch, so each run stops with work left to do
        List<String> args = List.of("--bootstrap-servers", STACK.bootstrapServers(), "--topic", TOPIC,
                "--dlq-topic", DLQ, "--group-id", GROUP, "--zookeeper-quorum", "127.0.0.1",
                "--zookeeper-port", Integer.toString(STACK.zookeeperPort()), "--max-rate-per-partition", "2000",
                "--initial-rate", "0");

        long afterGraceful;
        try (JobProcess first = JobProcess.start(Path.of("target", "restart-it-1.log"), args)) {
            awaitCommittedAtLeast(1, first);
            assertThat(first.terminate(90)).as("the job exits after SIGTERM").isTrue();
            assertThat(first.output()).contains("Committed the last batch's offsets");
            afterGraceful = committedTotal();
        }
        assertThat(afterGraceful).as("the graceful stop came mid-stream").isBetween(1L, TOTAL - 1);

        try (JobProcess second = JobProcess.start(Path.of("target", "restart-it-2.log"), args)) {
            awaitCommittedAtLeast(afterGraceful + 1, second);
            second.kill();
        }
        assertThat(committedTotal()).as("the kill came mid-stream").isLessThan(TOTAL);

        try (JobProcess third = JobProcess.start(Path.of("target", "restart-it-3.log"), args)) {
            fixture.awaitCommittedToLogEnd(GROUP, TOPIC, 4, Duration.ofSeconds(240), third::isAlive);
            assertThat(third.terminate(90)).isTrue();
        }
        assertThat(fixture.countRows(JobFixture.txIdPrefix(generatorConfig))).isEqualTo(summary.valid());
        assertThat(deadLetterPositions((int) summary.invalid())).hasSize((int) summary.invalid());
    }

    private long committedTotal() throws Exception {
        return fixture.committedTotal(GROUP);
    }

    private void awaitCommittedAtLeast(long total, JobProcess job) throws Exception {
        fixture.awaitCommittedAtLeast(GROUP, total, Duration.ofSeconds(120), job::isAlive);
    }

    /** Distinct source positions in the dead-letter topic (after a kill, a letter may be there twice). */
    private Set<String> deadLetterPositions(int expected) {
        Set<String> positions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : fixture.consume(DLQ, expected)) {
            assertThat(JobFixture.header(r, Topics.HEADER_ERROR_REASON)).isNotBlank();
            positions.add(JobFixture.header(r, Topics.HEADER_SOURCE_PARTITION) + "@"
                    + JobFixture.header(r, Topics.HEADER_SOURCE_OFFSET));
        }
        return positions;
    }
}
