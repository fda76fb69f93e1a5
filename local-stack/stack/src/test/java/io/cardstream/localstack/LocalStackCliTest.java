package io.cardstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalStackCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = LocalStackCli.commandLine().setUsageHelpWidth(200);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThat(run("--help")).isZero();
        String help = out.toString();
        for (String option : List.of(
                "--data-dir",
                "--fresh",
                "--[no-]kafka",
                "--[no-]hbase",
                "--kafka-port",
                "--kafka-controller-port",
                "--zookeeper-port",
                "--kafka-partitions",
                "--kafka-heap",
                "--hbase-heap",
                "--start-timeout")) {
            assertThat(help).contains(option);
        }
        assertThat(help)
                .contains("Default: 1g")
                .contains("Default: 3g")
                .contains("Default: 120")
                .contains(".cardstream/stack");
    }

    @Test
    void anInvalidValueFailsWithUsageErrorNamingTheSetting() {
        assertThat(run("--kafka-heap", "huge")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid setting kafka-heap").contains("huge");
    }

    @Test
    void disablingBothServicesIsAUsageError() {
        assertThat(run("--no-kafka", "--no-hbase")).isEqualTo(2);
        assertThat(err.toString()).contains("Kafka, HBase or both");
    }
}
