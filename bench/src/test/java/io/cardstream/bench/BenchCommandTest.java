package io.cardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    /** picocli formats descriptions with String.format: a bare '%' made every --help print WARN lines. */
    @Test
    void helpPrintsNoPicocliWarning() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String usage;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            usage = new CommandLine(new BenchCommand()).getUsageMessage();
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
        assertThat(usage.replaceAll("\\s+", " ")).contains("its memstores get 40% of it");
    }

    @Test
    void bothDesignsRunWithTheTaskSlotsGiven() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.jobMaster()).isEqualTo("local[2]");
        new CommandLine(command).parseArgs("--task-slots", "4");
        assertThat(command.jobMaster()).isEqualTo("local[4]");
    }

    @Test
    void aTaskSlotCountOutOfRangeFailsBeforeAnythingStartsNamingTheSetting() {
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new BenchCommand());
        command.setErr(new PrintWriter(err));
        assertThat(command.execute("--task-slots", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid setting task-slots: it must be between 1 and 64; got '0'.");
    }
}
