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
 * {@code docker-compose up -d} (all but Hue, whose image has no Debian or Maven package to be built from), every
 * healthcheck turning {@code healthy} in the engine's own state, the Hive DDL applied through HiveServer2, a bounded
 * producer run whose every transaction the job records (stored or dead-lettered), the Spark master listing the job
 * RUNNING with its executors, the dashboard live behind its token, every statement of queries.hql answered over JDBC
 * ({@code jdbc:hive2://hiveserver2:10000}, as Hue asks) and checked against the job's counts; then
 * {@code docker-compose down -v} leaving no container, volume or network behind.
 */
class ComposeIT {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeIT.class);
    private static final int TRANSACTIONS = 20_000;
    private static final List<String> PIPELINE = List.of(
            "kafka", "hbase", "setup", "spark-master", "spark-worker", "job", "dashboard", "hiveserver2", "hive-ddl");
    private static final List<String> HEALTHCHECKED =
            List.of("kafka", "hbase", "spark-master", "spark-worker", "job", "dashboard", "hiveserver2");
    private static final Pattern STATEMENT =
            Pattern.compile("(?m)^-- statement (\\d+): .*\n((?:(?!-- ).*\n)*)-- (\\d+) rows$");
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
            stack.compose(
                    Duration.ofMinutes(20), "build", "kafka", "hbase", "setup", "spark-master", "job", "hiveserver2");
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
            assertThat(stack.awaitExit("hive-ddl", Duration.ofMinutes(3)))
                    .as("hive-ddl's exit code (create-tables.hql through HiveServer2)")
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

            assertHiveAnswers(stack, acked - invalid, invalid);

            stack.compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans", "--timeout", "30");
            assertNothingLeft(stack, project);
        }
    }

    /**
     * Every statement of queries.hql through JDBC from the hiveserver2 container ({@code hive-sql}, the image's JDBC
     * runner), against the tables the job filled: each one answers, and the answers agree with the job's counts.
     */
    private static void assertHiveAnswers(ComposeStack stack, long stored, long deadLettered) throws Exception {
        long started = System.nanoTime();
        String output = stack.compose(
                Duration.ofMinutes(5),
                "exec",
                "-T",
                "hiveserver2",
                "hive-sql",
                "--url",
                "jdbc:hive2://hiveserver2:10000",
                "/opt/cardstream/hql/queries.hql");
        LOG.info(
                "queries.hql answered through HiveServer2 in {} s.",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        Map<Integer, List<String[]>> answers = new java.util.TreeMap<>();
        Matcher m = STATEMENT.matcher(output);
        while (m.find()) {
            List<String[]> rows = m.group(2).lines().map(l -> l.split("\t", -1)).toList();
            assertThat(rows).as("statement %s's row count", m.group(1)).hasSize(Integer.parseInt(m.group(3)));
            answers.put(Integer.parseInt(m.group(1)), rows);
        }
        assertThat(answers.keySet())
                .as("statements of queries.hql answered; output:%n%s", output)
                .containsExactly(1, 2, 3, 4, 5, 6, 7);
        // 1, volume per merchant per minute; 2, top spenders; 7, volume per category (join on the company table)
        assertThat(answers.get(1))
                .isNotEmpty()
                .allSatisfy(row -> assertThat(Long.parseLong(row[2])).isPositive());
        assertThat(answers.get(2)).hasSize(20);
        assertThat(answers.get(1))
                .as("merchants' names (not ASCII), as stored")
                .allSatisfy(row -> assertThat(row[0]).doesNotContain("?"));
        assertThat(column(answers.get(7), 1)).isPositive().isLessThanOrEqualTo(stored);
        // 3, stored transactions per enrich_status: together, every transaction the job stored
        assertThat(column(answers.get(3), 1))
                .as("transactions in tx_enriched, through Hive")
                .isEqualTo(stored);
        // 4, the newest batches; 5, batches with dead letters or missing dimensions: every dead letter counted
        assertThat(answers.get(4)).isNotEmpty();
        assertThat(answers.get(5)).hasSizeLessThan(100);
        assertThat(column(answers.get(5), 3))
                .as("dead letters in batch_metrics, through Hive")
                .isEqualTo(deadLettered);
        // 6, a point lookup of an id this producer never made
        assertThat(answers.get(6)).isEmpty();
    }

    private static long column(List<String[]> rows, int index) {
        return rows.stream().mapToLong(row -> Long.parseLong(row[index])).sum();
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
