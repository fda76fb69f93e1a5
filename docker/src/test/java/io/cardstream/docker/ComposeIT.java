package io.cardstream.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docker-compose.yml for real: every image of the pipeline built from docker/images, the stack brought up with
 * {@code docker-compose up -d --build} (all but Hive and Hue, whose images this machine cannot build), every
 * healthcheck turning {@code healthy} in the engine's own state, a bounded producer run whose every transaction the
 * job records (stored or dead-lettered), the Spark master listing the job RUNNING with its executors, the dashboard
 * live behind its token; then {@code docker-compose down -v} leaving no container, volume or network behind.
 */
class ComposeIT {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeIT.class);
    private static final int TRANSACTIONS = 20_000;
    private static final List<String> PIPELINE =
            List.of("kafka", "hbase", "setup", "spark-master", "spark-worker", "job", "dashboard");
    private static final List<String> HEALTHCHECKED =
            List.of("kafka", "hbase", "spark-master", "spark-worker", "job", "dashboard");
    private static final Pattern DONE = Pattern.compile(
            "Done: sent=(\\d+) valid=(\\d+) invalid=(\\d+) unknown_dims=(\\d+) acked=(\\d+) errors=(\\d+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thePipelineRunsInContainersAndEveryTransactionIsAccountedFor() throws Exception {
        String project = "cardstreamit";
        String token = UUID.randomUUID().toString();
        int dashboardPort = ComposeStack.freePort();
        int sparkUiPort = ComposeStack.freePort();
        Map<String, String> settings = Map.of(
                "CARDSTREAM_DASHBOARD_TOKEN", token,
                "CARDSTREAM_PRODUCE_COUNT", Integer.toString(TRANSACTIONS),
                "CARDSTREAM_DASHBOARD_PORT", Integer.toString(dashboardPort),
                "CARDSTREAM_SPARK_UI_PORT", Integer.toString(sparkUiPort),
                "CARDSTREAM_KAFKA_PORT", Integer.toString(ComposeStack.freePort()),
                "CARDSTREAM_ZOOKEEPER_PORT", Integer.toString(ComposeStack.freePort()),
                "CARDSTREAM_HBASE_UI_PORT", Integer.toString(ComposeStack.freePort()),
                "CARDSTREAM_JOB_UI_PORT", Integer.toString(ComposeStack.freePort()));
        try (ComposeStack stack = ComposeStack.start(project, settings)) {
            // a run that failed before its down leaves its project behind: start from nothing
            stack.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans", "--timeout", "10");
            long started = System.nanoTime();
            stack.compose(Duration.ofMinutes(20), "build", "kafka", "hbase", "setup", "spark-master", "job");
            LOG.info(
                    "The images were built in {} s.",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            started = System.nanoTime();
            stack.compose(
                    Duration.ofMinutes(10),
                    Stream.concat(Stream.of("up", "-d"), PIPELINE.stream()).toArray(String[]::new));
            stack.awaitHealthy(Duration.ofMinutes(6), HEALTHCHECKED);
            LOG.info(
                    "The pipeline was up and healthy {} s after `up`.",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            assertThat(stack.awaitExit("setup", Duration.ofMinutes(1)))
                    .as("setup's exit code")
                    .isZero();

            stack.compose(Duration.ofMinutes(2), "up", "-d", "--no-deps", "producer");
            assertThat(stack.awaitExit("producer", Duration.ofMinutes(5)))
                    .as("the bounded producer's exit code")
                    .isZero();
            Matcher done = DONE.matcher(stack.compose(Duration.ofMinutes(1), "logs", "--no-color", "producer"));
            assertThat(done.find()).as("the producer's summary line").isTrue();
            long acked = Long.parseLong(done.group(5));
            long invalid = Long.parseLong(done.group(3));
            assertThat(acked).isEqualTo(TRANSACTIONS);
            assertThat(invalid).as("the producer sent some undecodable records").isPositive();

            // every transaction recorded by the job in batch_metrics, as the dashboard reads it behind its token
            long[] totals = awaitTotals(dashboardPort, token, acked, Duration.ofMinutes(3));
            assertThat(totals[1]).as("enriched and stored").isEqualTo(acked - invalid);
            assertThat(totals[2]).as("dead-lettered").isEqualTo(invalid);
            assertThat(get(dashboardPort, "/api/metrics?last=1", null).statusCode())
                    .as("/api/metrics without the token")
                    .isEqualTo(401);

            String master = get(sparkUiPort, "/json/", null).body();
            assertThat(master)
                    .as("the Spark master's status")
                    .containsPattern("(?s)\"activeapps\" : \\[ \\{.*\"name\" : \"cardstream\".*\"state\" : \"RUNNING\"")
                    .containsPattern("\"coresused\" : [1-9]");

            stack.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans", "--timeout", "30");
            assertNothingLeft(stack, project);
        }
    }

    /** Polls /api/metrics until its batches add up to {@code expected} records: {records, enriched, deadLettered}. */
    private long[] awaitTotals(int port, String token, long expected, Duration timeout) {
        AtomicReference<long[]> totals = new AtomicReference<>(new long[3]);
        await("the job counts " + expected + " records")
                .atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    HttpResponse<String> response = get(port, "/api/metrics?last=1000", token);
                    assertThat(response.statusCode()).isEqualTo(200);
                    String body = response.body();
                    totals.set(new long[] {sum(body, "records"), sum(body, "enriched"), sum(body, "deadLettered")});
                    assertThat(totals.get()[0]).as("records the job counted").isGreaterThanOrEqualTo(expected);
                });
        assertThat(totals.get()[0]).as("records the job counted").isEqualTo(expected);
        return totals.get();
    }

    private static long sum(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** After {@code down -v}: no container, volume or network of the project. */
    private static void assertNothingLeft(ComposeStack engine, String project) throws Exception {
        String label = "label=com.docker.compose.project=" + project;
        assertThat(engine.podman(Duration.ofSeconds(30), "ps", "-a", "--filter", label, "--format", "{{.Names}}")
                        .strip())
                .as("containers left")
                .isEmpty();
        assertThat(engine.podman(Duration.ofSeconds(30), "volume", "ls", "--filter", label, "--format", "{{.Name}}")
                        .strip())
                .as("volumes left")
                .isEmpty();
        assertThat(engine.podman(Duration.ofSeconds(30), "network", "ls", "--format", "{{.Name}}"))
                .as("networks left")
                .doesNotContain(project + "_default");
    }
}
