package io.cardstream.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard over HTTP, on the JDK's own server: the page and its script, Chart.js from its WebJar, and the JSON
 * API the page polls every second. Every answer is computed from HBase at request time; nothing is cached, so the
 * numbers are as live as the job's last batch. Pages carry a strict Content-Security-Policy (scripts from this
 * server only), and the page itself writes every value as text, never as markup.
 */
public final class DashboardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final String STATIC = "io/cardstream/dashboard/static/";
    private static final Pattern STATIC_NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int DEFAULT_LAST = 120;
    static final int MAX_LAST = MetricsReader.MAX_ROWS;

    private final MetricsReader reader;
    private final Access access;
    private final LongSupplier clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String chartScript;
    private final AtomicBoolean failing = new AtomicBoolean();

    private DashboardServer(MetricsReader reader, Access access, LongSupplier clock, HttpServer server) {
        this.reader = reader;
        this.access = access;
        this.clock = clock;
        this.server = server;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "dashboard-http");
            t.setDaemon(true);
            return t;
        });
        this.chartScript = chartScriptResource();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving, to loopback names only, without a token. */
    public static DashboardServer start(MetricsReader reader, String host, int port) throws IOException {
        return start(reader, host, port, Access.of(host, java.util.List.of(), null));
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving whom {@code access} lets in. */
    public static DashboardServer start(MetricsReader reader, String host, int port, Access access) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IOException(
                    "The dashboard could not listen on " + host + ":" + port + " (--port, --bind): " + e.getMessage(),
                    e);
        }
        DashboardServer server = new DashboardServer(reader, access, System::currentTimeMillis, http);
        http.start();
        LOG.info(
                "The dashboard listens on {}, for Host names {}, {}.",
                server.url(),
                access.hosts(),
                access.token() == null ? "without a token" : "with an access token");
        return server;
    }

    /** The page's address, e.g. http://127.0.0.1:8080/. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress()
                ? "127.0.0.1"
                : a.getAddress().getHostAddress();
        return "http://" + host + ":" + a.getPort() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                sendJson(ex, 405, Map.of("error", "Only GET and HEAD are allowed."));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (!access.hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                sendJson(
                        ex,
                        403,
                        Map.of(
                                "error",
                                "This dashboard is not served under the host name this request used; start it with"
                                        + " --allow-host NAME to reach it by that name."));
                return;
            }
            if (!path.equals("/api/health")
                    && !access.authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders()
                        .set("WWW-Authenticate", "Basic realm=\"cardstream dashboard\", charset=\"UTF-8\"");
                sendJson(ex, 401, Map.of("error", "This dashboard needs its access token."));
                return;
            }
            Map<String, String> query = query(ex.getRequestURI());
            switch (path) {
                case "/", "/index.html" -> sendResource(ex, STATIC + "index.html", "text/html; charset=utf-8");
                case "/vendor/chart.umd.js" -> sendResource(ex, chartScript, "text/javascript; charset=utf-8");
                case "/api/metrics" ->
                    api(ex, () -> {
                        int last = intParam(query, "last", DEFAULT_LAST, 1, MAX_LAST);
                        return reader.latest(last);
                    });
                case "/api/recent" -> api(ex, () -> reader.recent(intParam(query, "n", 20, 1, 100)));
                case "/api/top-merchants" ->
                    api(ex, () -> {
                        int seconds = intParam(query, "seconds", 60, 1, 3600);
                        int limit = intParam(query, "limit", 10, 1, 100);
                        return reader.topMerchants(clock.getAsLong() - seconds * 1000L, limit);
                    });
                case "/api/health" -> {
                    Health health = reader.health(clock.getAsLong());
                    sendJson(ex, health.up() ? 200 : 503, health);
                }
                default -> {
                    if (path.startsWith("/static/")
                            && STATIC_NAME.matcher(path.substring(8)).matches()) {
                        String name = path.substring(8);
                        sendResource(ex, STATIC + name, contentType(name));
                    } else {
                        sendJson(ex, 404, Map.of("error", "No such page: " + path));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("The dashboard failed to answer {}: {}", ex.getRequestURI().getPath(), e.toString());
        }
    }

    @FunctionalInterface
    private interface Read {
        Object get() throws IOException;
    }

    private void api(HttpExchange ex, Read read) throws IOException {
        Object body;
        try {
            body = read.get();
        } catch (IllegalArgumentException e) {
            sendJson(ex, 400, Map.of("error", e.getMessage()));
            return;
        } catch (IOException e) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn("The dashboard cannot read HBase; it answers 503 until HBase is back: {}", e.toString());
            }
            sendJson(
                    ex,
                    503,
                    Map.of("error", "HBase could not be read: " + e.getClass().getSimpleName()));
            return;
        }
        if (failing.compareAndSet(true, false)) {
            LOG.info("The dashboard reads HBase again.");
        }
        sendJson(ex, 200, body);
    }

    static int intParam(Map<String, String> query, String name, int dflt, int min, int max) {
        String v = query.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(
                "Query parameter " + name + " must be a whole number from " + min + " to " + max + ".");
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void sendResource(HttpExchange ex, String resource, String type) throws IOException {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                sendJson(ex, 404, Map.of("error", "Not found."));
                return;
            }
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return "text/html; charset=utf-8";
    }

    /** Chart.js's UMD bundle inside its WebJar, whichever version the build put on the classpath. */
    static String chartScriptResource() {
        Properties pom = new Properties();
        try (InputStream in = DashboardServer.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("The Chart.js WebJar (org.webjars.npm:chart.js) is not on the"
                        + " classpath; the dashboard cannot draw charts without it.");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("The Chart.js WebJar could not be read.", e);
        }
        return "META-INF/resources/webjars/chart.js/" + pom.getProperty("version") + "/dist/chart.umd.js";
    }
}
