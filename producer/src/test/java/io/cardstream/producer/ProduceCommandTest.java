package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ProduceCommand.commandLine().setUsageHelpWidth(200);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpDocumentsEveryOptionWithItsDefault() {
        assertThat(run("--help")).isZero();
        for (String option : List.of(
                "--bootstrap-servers",
                "--topic",
                "--rate",
                "--count",
                "--duration",
                "--persons",
                "--companies",
                "--skew",
                "--bad-ratio",
                "--unknown-ratio",
                "--seed",
                "--burst",
                "--producer-prop",
                "--[no-]create-topic",
                "--partitions",
                "--connect-timeout")) {
            assertThat(out.toString()).contains(option);
        }
        assertThat(out.toString())
                .contains("Default: card-transactions")
                .contains("Default: 1000000")
                .contains("Default: 100000")
                .contains("Default: 10000");
    }

    @Test
    void aBadRatioOutOfRangeIsAUsageErrorNamingIt() {
        assertThat(run("--bad-ratio", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("bad-ratio");
    }

    @Test
    void aMalformedBurstIsAUsageErrorNamingIt() {
        assertThat(run("--burst", "3x")).isEqualTo(2);
        assertThat(err.toString()).contains("burst must be MULTIPLE:SECONDS:EVERY");
    }

    @Test
    void aConfigFileGivesSettingsAndProducerPropertiesAndAnUnknownKeyFailsNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("produce.properties");
        Files.writeString(file, "rate=0\n");
        assertThat(run("--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid setting rate").contains("'0.0'");
        Files.writeString(file, "ratee=5\n");
        assertThat(run("--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid setting ratee").contains("no such option");
        Files.writeString(file, "create-topic=sometimes\n");
        assertThat(run("--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid setting create-topic").contains("true or false");
    }
}
