package io.cardstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's smoke test: {@code ./demo.sh --duration 30} at a modest rate ends reconciled, with exit 0. */
class DemoIT {

    private static final Pattern SUMMARY = Pattern.compile(
            "SUMMARY produced=(\\d+) enriched=(\\d+) dead_lettered=(\\d+) missing=(\\d+) repeated=(\\d+)");

    @Test
    void aTimedRunEndsWithAReconciledSummaryAndExitZero(@TempDir Path tmp) throws Exception {
        try (DemoProcess demo = DemoProcess.start(
                tmp.resolve("demo"),
                "--duration",
                "30",
                "--rate",
                "2000",
                "--persons",
                "20000",
                "--companies",
                "2000")) {
            int exit = demo.awaitExit(Duration.ofMinutes(6));
            String output = demo.output();
            assertThat(exit).as(output).isZero();
            String last = demo.lines().get(demo.lines().size() - 1);
            Matcher m = SUMMARY.matcher(demo.lines().stream()
                    .filter(l -> l.startsWith("SUMMARY "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no SUMMARY line:\n" + output)));
            assertThat(m.matches()).as(output).isTrue();
            long produced = Long.parseLong(m.group(1));
            long enriched = Long.parseLong(m.group(2));
            long deadLettered = Long.parseLong(m.group(3));
            // 2,000/s after the ramp: 5 s each at 10, 25, 50 and 75 %, then 10 s at the full rate
            assertThat(produced).isBetween(34_000L, 36_500L);
            assertThat(Long.parseLong(m.group(4))).isZero();
            assertThat(Long.parseLong(m.group(5)))
                    .as("the generator repeats no txId")
                    .isZero();
            assertThat(enriched + deadLettered).isEqualTo(produced);
            assertThat(deadLettered).as("1%% of the records are invalid").isBetween(produced / 200, produced / 50);
            assertThat(output)
                    .contains("cardstream demo is running.")
                    .contains("Dashboard   http://127.0.0.1:")
                    .contains("The first enriched rows are in HBase")
                    .contains("Peak resident memory");
            assertThat(last).isEqualTo(m.group());
            assertThat(demo.process()
                            .descendants()
                            .filter(ProcessHandle::isAlive)
                            .count())
                    .isZero();
        }
    }
}
