package io.cardstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cardstream.core.DimensionIds;
import io.cardstream.schema.HBaseOptions;
import io.cardstream.schema.Schema;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium driven by Selenium) against a running demo: the
 * throughput figure changes from one refresh to another, a cardholder named with markup shows as text and runs
 * nothing, and Ctrl-C (SIGTERM here) leaves no JVM behind. Saves {@code target/dashboard.png}.
 */
class DashboardBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("cardstream.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("cardstream.chromedriver", "/usr/bin/chromedriver"));
    private static final Pattern DASHBOARD = Pattern.compile("\\s*Dashboard\\s+(http://\\S+)");
    private static final Pattern ZOOKEEPER = Pattern.compile("\\s*HBase\\s+ZooKeeper (\\S+):(\\d+),.*");
    private static final int PERSONS = 20;

    @Test
    void showsLiveNumbersAndHostileNamesAsTextThenStopsCleanly(@TempDir Path tmp) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "1".equals(System.getenv("CARDSTREAM_REQUIRE_BROWSER"))) {
            throw new AssertionError("CARDSTREAM_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(
                present,
                "Chromium and chromedriver are not installed (apt-get install chromium"
                        + " chromium-driver); .ci/run installs them and sets CARDSTREAM_REQUIRE_BROWSER=1.");
        DemoProcess.requireSigintDelivered();

        // A 1 s cache TTL, so the renamed cardholders reach the enriched rows within seconds.
        Path jobConfig = tmp.resolve("job.properties");
        Files.writeString(jobConfig, "cache-ttl-seconds=1\n", StandardCharsets.UTF_8);
        try (DemoProcess demo = DemoProcess.start(
                tmp.resolve("demo"),
                "--rate",
                "2000",
                "--persons",
                Integer.toString(PERSONS),
                "--companies",
                "5",
                "--job-config",
                jobConfig.toString())) {
            String url =
                    group(DASHBOARD, demo.awaitLine(l -> DASHBOARD.matcher(l).matches(), Duration.ofMinutes(4)));
            Matcher zk =
                    ZOOKEEPER.matcher(demo.awaitLine(l -> ZOOKEEPER.matcher(l).matches(), Duration.ofSeconds(5)));
            assertThat(zk.matches()).isTrue();
            renameEveryPerson(zk.group(1), zk.group(2));
            List<ProcessHandle> jvms =
                    new ArrayList<>(demo.process().descendants().toList());
            assertThat(jvms).as("Kafka and HBase JVMs").hasSizeGreaterThanOrEqualTo(2);

            ChromeDriver browser = browser(tmp);
            try {
                browser.get(url);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
                String first = wait.until(d -> {
                    String t = d.findElement(By.id("throughput")).getText();
                    return t.matches("[0-9,]+") ? t : null;
                });
                int refreshesAtFirst = refreshes(browser);
                String changed = wait.until(d -> {
                    String t = d.findElement(By.id("throughput")).getText();
                    return !t.equals(first) && t.matches("[0-9,]+") ? t : null;
                });
                assertThat(changed).isNotEqualTo(first);
                assertThat(refreshes(browser)).isGreaterThan(refreshesAtFirst);

                // The table is rebuilt every second: read the cells' text in one script call, not element by element.
                String hostile = wait.until(d -> personCells(browser).stream()
                        .filter(t -> t.contains("<script>"))
                        .findFirst()
                        .orElse(null));
                assertThat(hostile).startsWith("<script>window.__cardstreamXss=1</script><img src=x");
                assertThat(browser.findElements(By.cssSelector("#recent script, #recent img")))
                        .isEmpty();
                assertThat(((JavascriptExecutor) browser).executeScript("return window.__cardstreamXss === undefined"))
                        .isEqualTo(true);
                assertThat(browser.findElements(By.cssSelector("#top-merchants tbody tr")))
                        .isNotEmpty();
                assertThat(browser.findElement(By.id("health")).getText()).isEqualTo("HBase UP");

                Path shot = Path.of("target", "dashboard.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }

            // Ctrl-C, as a terminal sends it (Process.destroy would also close the pipe the output comes through).
            assertThat(new ProcessBuilder(
                                    "kill", "-INT", Long.toString(demo.process().pid()))
                            .start()
                            .waitFor())
                    .isZero();
            int exit = demo.awaitExit(Duration.ofMinutes(2));
            assertThat(exit).as(demo.output()).isIn(0, 130, 143);
            await("no JVM left behind")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> jvms.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(demo.output()).as("exit " + exit).contains("Stopped Kafka and HBase");
        }
    }

    private static void renameEveryPerson(String quorum, String port) throws Exception {
        Configuration conf = new HBaseOptions().configuration();
        conf.set("hbase.zookeeper.quorum", quorum);
        conf.set("hbase.zookeeper.property.clientPort", port);
        try (Connection c = HBaseOptions.connect(conf);
                Table persons = c.getTable(Schema.PERSON.tableName())) {
            List<Put> puts = new ArrayList<>();
            for (int i = 0; i < PERSONS; i++) {
                puts.add(new Put(bytes(DimensionIds.personId(i)))
                        .addColumn(
                                Schema.PERSON.familyBytes(),
                                Schema.PERSON.column("name").qualifierBytes(),
                                bytes(
                                        "<script>window.__cardstreamXss=1</script><img src=x onerror=\"window.__cardstreamXss=2\">"
                                                + " Mallory " + i)));
            }
            persons.put(puts);
        }
    }

    private static ChromeDriver browser(Path tmp) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1100",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @SuppressWarnings("unchecked")
    private static List<String> personCells(ChromeDriver browser) {
        return (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#recent td.person')).map(td => td.textContent)");
    }

    private static int refreshes(ChromeDriver browser) {
        Object n = browser.executeScript("return Number(document.body.dataset.refreshes || 0)");
        return ((Number) n).intValue();
    }

    private static String group(Pattern p, String line) {
        Matcher m = p.matcher(line);
        assertThat(m.matches()).isTrue();
        return m.group(1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
