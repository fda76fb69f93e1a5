package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalStack;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker with SASL/SCRAM-SHA-512 listeners: the producer (bin/cardstream produce --producer-config) logs in over
 * SASL_PLAINTEXT and the job (spark-submit, --config) over SASL_SSL, with credentials from their configuration
 * files, and both do their work; with a wrong password each fails at start with a message that says so and names
 * the setting; and no password, right or wrong, nor the truststore's, appears in any log: the producer's, the
 * job's, the broker's or HBase's.
 */
class KafkaSecurityIT {

    private static final String USER = "cardstream";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    private static final JobFixture.Names RUN = JobFixture.Names.of("secure");
    private static final long COUNT = 20_000;
    private static Path dir;

    @RegisterExtension
    static final LocalStackExtension STACK =
            LocalStackExtension.kafkaAndHBase().configure(c -> c.withKafkaScram(Map.of(USER, PASSWORD)));

    private static final JobFixture FIXTURE = new JobFixture(STACK);

    @BeforeAll
    static void prepare() throws Exception {
        dir = JobFixture.freshDirectory("security-it");
        FIXTURE.schemaAndDimensions(1_000, 100);
        FIXTURE.topics(RUN.topic(), 2, RUN.dlq());
    }

    @Test
    void producerAndJobLogInWithConfiguredCredentialsFailClearlyWithWrongOnesAndLogNoPassword() throws Exception {
        Path goodClient = clientConfig("good-client.properties", PASSWORD);
        Path badClient = clientConfig("bad-client.properties", WRONG_PASSWORD);

        // the producer: wrong password first, then the run the job will process
        Process refused = produce(badClient, dir.resolve("produce-refused.log"), 1_000);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS))
                .as("the refused producer exits")
                .isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("produce-refused.log")))
                .contains("refused the producer's credentials")
                .contains("sasl.jaas.config");

        Process producer = produce(goodClient, dir.resolve("produce.log"), COUNT);
        assertThat(producer.waitFor(120, TimeUnit.SECONDS))
                .as("the producer exits")
                .isTrue();
        assertThat(producer.exitValue())
                .as("the producer's exit code; see %s", dir.resolve("produce.log"))
                .isZero();

        // the job: wrong password, then the right one
        try (JobProcess job = JobProcess.start(
                dir.resolve("job-refused.log"),
                List.of(
                        "--config",
                        jobConfig("job-refused.properties", WRONG_PASSWORD).toString()))) {
            assertThat(job.waitFor(120))
                    .as("the refused job exits; see %s", job.log())
                    .isTrue();
            assertThat(job.exitValue()).isEqualTo(1);
            assertThat(job.output())
                    .contains("Invalid setting kafka-prop sasl.jaas.config")
                    .contains("refused the job's credentials");
        }
        try (JobProcess job = JobProcess.start(
                dir.resolve("job.log"),
                List.of("--config", jobConfig("job.properties", PASSWORD).toString()))) {
            FIXTURE.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, java.time.Duration.ofSeconds(180), job::isAlive);
            assertThat(job.terminate(90)).isTrue();
            assertThat(job.output())
                    .contains("kafka-prop sasl.jaas.config=********")
                    .contains("kafka-prop ssl.truststore.password=********")
                    .contains("security.protocol=SASL_SSL");
        }
        GeneratorConfig config = new GeneratorConfig(77, 1_000, 100, 0, 0.01, 0.01);
        FIXTURE.assertEveryRecordAccountedFor(
                config, COUNT, JobFixture.sentByAnotherProcess(config, COUNT), RUN.topic(), RUN.dlq());

        List<Path> logs = new ArrayList<>(STACK.stack().logFiles().values());
        try (Stream<Path> files = Files.list(dir)) {
            logs.addAll(files.filter(p -> p.toString().endsWith(".log")).collect(Collectors.toList()));
        }
        assertThat(logs).hasSizeGreaterThanOrEqualTo(6);
        String truststorePassword = STACK.stack().scramSslClientProperties(USER).get("ssl.truststore.password");
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertThat(text)
                    .as("log %s", log)
                    .isNotEmpty()
                    .doesNotContain(PASSWORD)
                    .doesNotContain(WRONG_PASSWORD)
                    .doesNotContain(truststorePassword);
        }
    }

    private static Path clientConfig(String name, String password) throws IOException {
        StringBuilder text = new StringBuilder();
        LocalStack.scramClientProperties(USER, password)
                .forEach((k, v) -> text.append(k)
                        .append('=')
                        .append(v.replace("\\", "\\\\"))
                        .append('\n'));
        return Files.writeString(dir.resolve(name), text);
    }

    /** The job's options as a --config file for the SASL_SSL listener, the credentials as kafka-prop.* lines. */
    private static Path jobConfig(String name, String password) throws IOException {
        Map<String, String> client = new LinkedHashMap<>(STACK.stack().scramSslClientProperties(USER));
        client.put(
                "sasl.jaas.config",
                LocalStack.scramClientProperties(USER, password).get("sasl.jaas.config"));
        StringBuilder text = new StringBuilder()
                .append("bootstrap-servers=")
                .append(STACK.stack().saslSslBootstrapServers())
                .append('\n')
                .append("topic=")
                .append(RUN.topic())
                .append('\n')
                .append("dlq-topic=")
                .append(RUN.dlq())
                .append('\n')
                .append("group-id=")
                .append(RUN.group())
                .append('\n')
                .append("zookeeper-quorum=127.0.0.1\n")
                .append("zookeeper-port=")
                .append(STACK.zookeeperPort())
                .append('\n');
        client.forEach((k, v) -> text.append("kafka-prop.")
                .append(k)
                .append('=')
                .append(v.replace("\\", "\\\\"))
                .append('\n'));
        return Files.writeString(dir.resolve(name), text);
    }

    /** bin/cardstream produce on the SASL listener with {@code clientConfig}, its output to {@code log}. */
    private static Process produce(Path clientConfig, Path log, long count) throws IOException {
        Path root = JobProcess.repositoryRoot();
        ProcessBuilder pb = new ProcessBuilder(
                        root.resolve("bin/cardstream").toString(),
                        "produce",
                        "--bootstrap-servers",
                        STACK.stack().saslBootstrapServers(),
                        "--producer-config",
                        clientConfig.toString(),
                        "--topic",
                        RUN.topic(),
                        "--count",
                        Long.toString(count),
                        "--rate",
                        "10000",
                        "--seed",
                        "77",
                        "--persons",
                        "1000",
                        "--companies",
                        "100",
                        "--bad-ratio",
                        "0.01",
                        "--unknown-ratio",
                        "0.01",
                        "--connect-timeout",
                        "20")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("CARDSTREAM_SKIP_BUILD", "1");
        return pb.start();
    }
}
