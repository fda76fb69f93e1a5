package io.cardstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSettingsTest {

    private static DemoSettings settings(double rate, long batchMs, int port) {
        return new DemoSettings(
                rate,
                0,
                batchMs,
                100,
                10,
                0.01,
                0.005,
                0.8,
                4,
                "127.0.0.1",
                port,
                Path.of("/tmp/x"),
                null,
                "1g",
                "3g",
                42);
    }

    @Test
    void parsesIntervalsInSecondsMillisecondsOrBareMilliseconds() {
        assertThat(DemoSettings.parseInterval("1s")).isEqualTo(1000);
        assertThat(DemoSettings.parseInterval("0.5s")).isEqualTo(500);
        assertThat(DemoSettings.parseInterval("500ms")).isEqualTo(500);
        assertThat(DemoSettings.parseInterval(" 750 ")).isEqualTo(750);
        assertThatThrownBy(() -> DemoSettings.parseInterval("fast")).hasMessageContaining("--batch-interval");
    }

    @Test
    void rejectsABadValueNamingTheOption() {
        assertThatThrownBy(() -> settings(0, 1000, 8080)).hasMessageContaining("--rate");
        assertThatThrownBy(() -> settings(100, 50, 8080)).hasMessageContaining("--batch-interval");
        assertThatThrownBy(() -> settings(100, 1000, 70_000)).hasMessageContaining("--port");
        assertThat(settings(100, 500, 0).batchIntervalMs()).isEqualTo(500);
    }

    @Test
    void summaryLineHasTheExactFormAndReconcilesOnlyWhenEverythingAddsUp() {
        Reconciliation ok = new Reconciliation(1000, 990, 990, 10, 0, 0);
        assertThat(ok.summaryLine())
                .isEqualTo("SUMMARY produced=1000 enriched=990 dead_lettered=10 missing=0 repeated=0");
        assertThat(ok.reconciled()).isTrue();
        assertThat(new Reconciliation(1000, 990, 989, 10, 1, 0).reconciled()).isFalse();
        assertThat(new Reconciliation(1000, 990, 990, 11, 0, 0).reconciled()).isFalse();
        // two records of one txId are one row
        assertThat(new Reconciliation(1000, 990, 989, 10, 0, 1).reconciled()).isTrue();
    }

    @Test
    void emptiesOnlyADirectoryTheDemoMade(@TempDir Path tmp) throws Exception {
        Path mine = tmp.resolve("demo");
        DataDir.prepare(mine);
        Files.writeString(mine.resolve("old-data"), "x");
        DataDir.prepare(mine);
        assertThat(mine.resolve("old-data")).doesNotExist();
        assertThat(mine.resolve(DataDir.MARKER)).exists();

        Path theirs = tmp.resolve("theirs");
        Files.createDirectories(theirs);
        Files.writeString(theirs.resolve("precious"), "x");
        assertThatThrownBy(() -> DataDir.prepare(theirs)).hasMessageContaining("--data-dir");
        assertThat(theirs.resolve("precious")).exists();
    }

    @Test
    void theStatusLineSaysPlainlyWhenTheJobIsBehindAndWhatRateThisMachineHolds() {
        assertThat(Demo.behindWarning(2_000, 20_000, 20_000))
                .as("0.1 s of lag is keeping up")
                .isEmpty();
        assertThat(Demo.behindWarning(-1, 20_000, 0)).as("lag unknown").isEmpty();
        assertThat(Demo.behindWarning(240_000, 20_000, 12_600))
                .isEqualTo(" | behind by 12 s: this machine cannot hold 20,000 tx/s; try --rate 10000");
        assertThat(Demo.behindWarning(240_000, 20_000, 0)).endsWith("try --rate 10000");
        assertThat(Demo.behindWarning(100_000, 2_000, 500)).endsWith("try --rate 1000");
    }

    @Test
    void theAutomaticRateIsAboutAFifthOfWhatSuchAMachineSustainsBetweenFiveAndTwentyThousand() {
        assertThat(DemoSettings.autoRate(500_000))
                .as("the slowest machine seen")
                .isEqualTo(5_000);
        assertThat(DemoSettings.autoRate(1_000_000)).isEqualTo(7_000);
        assertThat(DemoSettings.autoRate(2_000_000)).isEqualTo(13_000);
        assertThat(DemoSettings.autoRate(3_000_000)).isEqualTo(20_000);
        assertThat(DemoSettings.autoRate(10_000_000)).isEqualTo(20_000);
    }
}
