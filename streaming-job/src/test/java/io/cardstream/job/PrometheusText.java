package io.cardstream.job;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads counters from a Prometheus text endpoint, as a scraper would. */
final class PrometheusText {

    private PrometheusText() {}

    /**
     * The counters at {@code url} whose names start with {@code prefix} (Spark's PrometheusServlet writes
     * {@code <prefix><name>_Count{type="counters"} <value>}), by {@code <name>}.
     */
    static Map<String, Long> counters(String url, String prefix) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        Pattern counter = Pattern.compile(
                "^" + Pattern.quote(prefix) + "(\\w+)_Count\\{[^}]*\\}\\s+(\\d+)\\s*$", Pattern.MULTILINE);
        Map<String, Long> counters = new TreeMap<>();
        Matcher m = counter.matcher(response.body());
        while (m.find()) {
            counters.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counters;
    }
}
