package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded jar through {@code org.apache.spark.deploy.SparkSubmit --master local[2]} in its own JVM, on a
 * classpath of Spark's own jars only, as a cluster runs it; then SIGTERM, which must stop it gracefully with the
 * last batch committed.
 */
class SparkSubmitIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();

    private final JobFixture fixture = new JobFixture(STACK);

    @Test
    void theShadedJarRunsUnderSparkSubmitAndStopsGracefullyOnSigterm() throws Exception {
        fixture.schemaAndDimensions(1_000, 100);
        fixture.topics("submit-tx", 2, "submit-dlq");
        try (JobProcess submit = JobProcess.start(Path.of("target", "spark-submit-it.log"), List.of(
                "--bootstrap-servers", STACK.bootstrapServers(), "--topic", "submit-tx", "--dlq-topic", "submit-dlq",
                "--group-id", "submit-group", "--zookeeper-quorum", "127.0.0.1",
                "--zookeeper-port", Integer.toString(STACK.zookeeperPort()), "--batch-interval-ms", "1000"))) {
            GeneratorConfig generatorConfig = new GeneratorConfig(4242, 1_000, 100, 0, 0.01, 0.01);
            StormProducer.Summary summary = fixture.produce("submit-tx", generatorConfig, 20_000, 10_000);
            fixture.awaitCommittedToLogEnd("submit-group", "submit-tx", 2, Duration.ofSeconds(180), submit::isAlive);

            assertThat(submit.terminate(90)).as("spark-submit exits after SIGTERM").isTrue();
            assertThat(submit.output()).contains("Stopping the job gracefully").contains("The job stopped.");
            assertThat(fixture.countRows(JobFixture.txIdPrefix(generatorConfig))).isEqualTo(summary.valid());
        }
    }
}
