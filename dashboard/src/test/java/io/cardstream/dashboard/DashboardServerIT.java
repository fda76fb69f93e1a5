package io.cardstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.schema.HBaseOptions;
import io.cardstream.schema.MetricsJson;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.SchemaManager;
import io.cardstream.schema.TableSpec;
import io.cardstream.schema.TxRow;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.io.compress.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's HTTP API and pages against a real HBase holding batch rows and enriched rows written the way the
 * job writes them: newest-first metrics, merchant totals over a window, the sample read back from tx_enriched,
 * health, bad parameters, and the security headers.
 */
class DashboardServerIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.hbaseOnly();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOSTILE = "<script>alert('x')</script>&\"Eve\"";
    private static final long NOW = System.currentTimeMillis() / 1000 * 1000;

    private static Connection connection;
    private static DashboardServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        Configuration conf = new HBaseOptions().configuration();
        STACK.hbaseSettings().forEach(conf::set);
        connection = HBaseOptions.connect(DashboardCommand.readerConfiguration(conf));
        try (Admin admin = connection.getAdmin()) {
            new SchemaManager(admin, Compression.Algorithm.NONE).create();
        }
        try (Table tx = connection.getTable(Schema.TX_ENRICHED.tableName());
                Table metrics = connection.getTable(Schema.BATCH_METRICS.tableName())) {
            tx.put(List.of(txRow("tx-1", "Ann Lee", "ACME"), txRow("tx-2", HOSTILE, "<b>Shop</b>")));
            List<Put> batches = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t = NOW - (4 - i) * 1000L;
                String top = MetricsJson.companies(List.of(
                        new MetricsJson.Company("C0000001", "ACME", "10.50", 2),
                        new MetricsJson.Company("C0000002", "<b>Shop</b>", (i + 1) + ".00", 1)));
                String sample = MetricsJson.sample(
                        i == 4
                                ? List.of(
                                        MetricsJson.SampleTx.of("tx-1"),
                                        MetricsJson.SampleTx.of("tx-2"),
                                        MetricsJson.SampleTx.of("tx-not-stored"))
                                : List.of());
                batches.add(metricsRow(t, 1000 + i, top, sample));
            }
            batches.add(metricsRow(
                    NOW - 120_000,
                    7,
                    MetricsJson.companies(List.of(new MetricsJson.Company("C0000009", "Old", "99999.00", 1))),
                    MetricsJson.sample(List.of())));
            metrics.put(batches);
        }
        server = DashboardServer.start(
                new MetricsReader(connection, Schema.BATCH_METRICS.tableName(), Schema.TX_ENRICHED.tableName()),
                "127.0.0.1",
                0);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void metricsAreNewestFirstAndLimited() throws Exception {
        JsonNode rows = getJson("/api/metrics?last=3", 200);
        assertThat(rows.size()).isEqualTo(3);
        assertThat(rows.get(0).get("batchTime").asLong()).isEqualTo(NOW);
        assertThat(rows.get(0).get("records").asLong()).isEqualTo(1004);
        assertThat(rows.get(1).get("batchTime").asLong()).isEqualTo(NOW - 1000);
        assertThat(rows.get(0).get("latencyP99Ms").asLong()).isEqualTo(1504);
        assertThat(getJson("/api/metrics", 200).size()).isEqualTo(6);
    }

    @Test
    void aRequestNamingAHostTheDashboardIsNotServedUnderIsRefused() throws Exception {
        assertThat(rawStatus(server, "rebound.attacker.example", null)).isEqualTo(403);
        assertThat(rawStatus(server, "rebound.attacker.example:" + server.port(), null))
                .isEqualTo(403);
        assertThat(rawStatus(server, "localhost:" + server.port(), null)).isEqualTo(200);
        assertThat(rawStatus(server, "127.0.0.1", null)).isEqualTo(200);
        assertThat(rawStatus(server, null, null)).as("no Host header").isEqualTo(403);
    }

    @Test
    void withATokenEveryRequestButHealthMustCarryIt() throws Exception {
        Access access = Access.of("127.0.0.1", List.of("dashboard"), "s3cret-token");
        assertThat(access.toString()).doesNotContain("s3cret");
        try (DashboardServer guarded = DashboardServer.start(
                new MetricsReader(connection, Schema.BATCH_METRICS.tableName(), Schema.TX_ENRICHED.tableName()),
                "127.0.0.1",
                0,
                access)) {
            String basic = Base64.getEncoder().encodeToString("anyone:s3cret-token".getBytes(StandardCharsets.UTF_8));
            assertThat(rawStatus(guarded, "dashboard", null)).isEqualTo(401);
            assertThat(rawStatus(guarded, "dashboard", "Bearer wrong")).isEqualTo(401);
            assertThat(rawStatus(guarded, "dashboard", "Bearer s3cret-token")).isEqualTo(200);
            assertThat(rawStatus(guarded, "localhost", "Basic " + basic)).isEqualTo(200);
            assertThat(rawStatus(guarded, "elsewhere", "Bearer s3cret-token")).isEqualTo(403);
            HttpResponse<String> health = HTTP.send(
                    HttpRequest.newBuilder(URI.create(guarded.url() + "api/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("health needs no token").isEqualTo(200);
            HttpResponse<String> page = HTTP.send(
                    HttpRequest.newBuilder(URI.create(guarded.url())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(401);
            assertThat(page.headers().firstValue("WWW-Authenticate"))
                    .get()
                    .asString()
                    .startsWith("Basic ");
            assertThat(page.body()).doesNotContain("s3cret");
        }
    }

    @Test
    void anAddressOtherMachinesReachNeedsAToken() {
        assertThatThrownBy(() -> Access.of("0.0.0.0", List.of(), null))
                .hasMessageStartingWith("Invalid setting --bind:")
                .hasMessageContaining(Access.TOKEN_ENV);
        assertThat(Access.of("0.0.0.0", List.of("dashboard"), "t").hosts()).contains("dashboard", "localhost");
    }

    /** The status of GET /api/recent sent by hand, with this Host header (none if null) and Authorization. */
    private static int rawStatus(DashboardServer target, String host, String authorization) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", target.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET /api/recent HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(
                            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void everyRequestReadsABoundedNumberOfRows() throws Exception {
        assertThat(getJson("/api/metrics?last=1000", 200).size()).isEqualTo(6);
        assertThat(getJson("/api/metrics?last=1001", 400).get("error").asText())
                .contains("last")
                .contains("1000");
        MetricsReader twoRows =
                new MetricsReader(connection, Schema.BATCH_METRICS.tableName(), Schema.TX_ENRICHED.tableName(), 2);
        List<MerchantTotal> top = twoRows.topMerchants(NOW - 60_000, 10);
        assertThat(top.get(0).amount())
                .as("ACME over the 2 newest batches only")
                .isEqualByComparingTo("21.00");
        assertThat(twoRows.latest(5)).hasSize(2);
    }

    @Test
    void topMerchantsSumTheWindowOnly() throws Exception {
        JsonNode top = getJson("/api/top-merchants?seconds=60", 200);
        assertThat(top.get(0).get("companyId").asText()).isEqualTo("C0000001");
        assertThat(top.get(0).get("amount").decimalValue()).isEqualByComparingTo("52.50");
        assertThat(top.get(0).get("transactions").asLong()).isEqualTo(10);
        assertThat(top.get(1).get("amount").decimalValue()).isEqualByComparingTo("15.00");
        assertThat(top.findValuesAsText("companyId")).doesNotContain("C0000009");
    }

    @Test
    void recentReadsTheNewestSampleBackFromTxEnrichedNewestFirst() throws Exception {
        JsonNode recent = getJson("/api/recent", 200);
        assertThat(recent.findValuesAsText("txId")).containsExactly("tx-2", "tx-1");
        assertThat(recent.get(0).get("personName").asText()).isEqualTo(HOSTILE);
        assertThat(recent.get(0).get("status").asText()).isEqualTo("OK");
        assertThat(recent.get(0).get("latencyMs").asLong()).isEqualTo(700);
    }

    @Test
    void healthIsUpWithTheNewestBatchAndDownWhenATableIsMissing() throws Exception {
        JsonNode health = getJson("/api/health", 200);
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("lastBatchTime").asLong()).isEqualTo(NOW);
        Health down = new MetricsReader(
                        connection, TableName.valueOf("cardstream:no_such_table"), Schema.TX_ENRICHED.tableName())
                .health(NOW);
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).contains("cardstream:no_such_table").contains("schema create");
    }

    @Test
    void badParametersAreRejectedWithAMessageNamingThem() throws Exception {
        assertThat(getJson("/api/metrics?last=0", 400).get("error").asText())
                .contains("last")
                .contains("1000");
        assertThat(getJson("/api/metrics?last=abc", 400).get("error").asText()).contains("last");
        assertThat(getJson("/api/top-merchants?seconds=-5", 400).get("error").asText())
                .contains("seconds");
        assertThat(get("/static/../../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + "api/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void pagesComeFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("/vendor/chart.umd.js")
                .contains("/static/dashboard.js")
                .doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("script-src 'self'")
                .doesNotContain("unsafe-inline");
        HttpResponse<String> chart = get("/vendor/chart.umd.js");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js").hasSizeGreaterThan(100_000);
        assertThat(get("/static/dashboard.js").body()).contains("textContent").doesNotContain("innerHTML =");
        assertThat(get("/api/metrics").headers().firstValue("Content-Type"))
                .contains("application/json; charset=utf-8");
    }

    /** A row in the layout new tables get; the dashboard reads either through {@link TxRow#read}. */
    private static Put txRow(String txId, String personName, String companyName) {
        return new TxRow(
                        txId,
                        "P000000001",
                        personName,
                        "C0000002",
                        companyName,
                        "12.34",
                        "EUR",
                        NOW - 1000,
                        NOW - 300,
                        NOW,
                        "OK")
                .put(RowLayout.DEFAULT, NOW);
    }

    private static Put metricsRow(long batchTime, long records, String top, String sample) {
        TableSpec t = Schema.BATCH_METRICS;
        Put put = new Put(bytes(RowKeys.batchMetrics(batchTime)));
        String[][] cells = {
            {"batch_time", Long.toString(batchTime)},
            {"records", Long.toString(records)},
            {"enriched", Long.toString(records - 10)},
            {"dead_lettered", "10"},
            {"missing_dims", "3"},
            {"processing_ms", "400"},
            {"scheduling_ms", "5"},
            {"latency_p50_ms", "800"},
            {"latency_p99_ms", Long.toString(records + 500)},
            {"latency_max_ms", "1900"},
            {"amount_sum", "100.00"},
            {"top_companies", top},
            {"sample", sample}
        };
        for (String[] c : cells) {
            put.addColumn(t.familyBytes(), t.column(c[0]).qualifierBytes(), bytes(c[1]));
        }
        return put;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode getJson(String path, int status) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
