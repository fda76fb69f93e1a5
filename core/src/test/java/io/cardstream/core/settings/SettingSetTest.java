package io.cardstream.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class SettingSetTest {

    private static final Setting<Long> INTERVAL = Setting.number("interval-ms")
            .byDefault(1000L)
            .between(100, 600_000)
            .doc("The interval.")
            .build();
    private static final Setting<Boolean> FAST =
            Setting.flag("fast").byDefault(false).doc("Go fast.").build();
    private static final Setting<Double> RATIO = Setting.decimal("ratio")
            .byDefault(0.0)
            .within(0, 1, "0 and 1")
            .doc("A ratio.")
            .build();
    private static final Setting<String> TOKEN = Setting.text("token")
            .byDefault("none-none")
            .rule(t -> t.length() >= 8, "must have 8 characters or more")
            .secret()
            .doc("A secret.")
            .build();
    private static final Setting<Long> SEED = Setting.number("seed")
            .byDefault(() -> null, "random")
            .optional()
            .doc("A seed.")
            .build();
    private static final SettingSet SET =
            new SettingSet(List.of(INTERVAL, FAST, RATIO, TOKEN, SEED), Set.of("client."));

    @Command(name = "test")
    static final class Cmd {}

    @Test
    void defaultsAreCheckedAndAnOptionalSettingMayStayUnset() {
        Values v = SET.defaults();
        assertThat(v.get(INTERVAL)).isEqualTo(1000L);
        assertThat(v.get(FAST)).isFalse();
        assertThat(v.get(SEED)).isNull();
    }

    @Test
    void aBadValueFailsNamingTheSettingItsRuleAndWhatItGot() {
        assertThatThrownBy(() -> SET.resolve(Map.of("interval-ms", "50")))
                .hasMessage("Invalid setting interval-ms: it must be between 100 and 600000; got '50'.");
        assertThatThrownBy(() -> SET.resolve(Map.of("interval-ms", "1s")))
                .hasMessage("Invalid setting interval-ms: it must be a whole number; got '1s'.");
        assertThatThrownBy(() -> SET.resolve(Map.of("ratio", "1.5"))).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> SET.resolve(Map.of("ratio", "NaN"))).hasMessageContaining("ratio");
        assertThatThrownBy(() -> SET.resolve(Map.of("fast", "maybe")))
                .hasMessageContaining("fast")
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> SET.resolve(Map.of("intervall-ms", "500"))).hasMessageContaining("intervall-ms");
        assertThatThrownBy(() -> SET.defaults().with(INTERVAL, 5L)).hasMessageContaining("interval-ms");
    }

    @Test
    void flagsReadYesNoOnOffAndTrueFalse() {
        assertThat(SET.resolve(Map.of("fast", "yes")).get(FAST)).isTrue();
        assertThat(SET.resolve(Map.of("fast", "ON")).get(FAST)).isTrue();
        assertThat(SET.resolve(Map.of("fast", "no")).get(FAST)).isFalse();
    }

    @Test
    void anAliasIsTheSameSettingOnTheCommandLineAndInAFile(@TempDir Path dir) throws Exception {
        Setting<String> servers = Setting.text("bootstrap-servers")
                .alias("bootstrap-server")
                .byDefault("a:1")
                .build();
        SettingSet set = new SettingSet(List.of(servers), Set.of());
        CommandLine cli = new CommandLine(new Cmd());
        set.addOptionsTo(cli.getCommandSpec());
        cli.parseArgs("--bootstrap-server", "b:2");
        assertThat(set.given(cli.getParseResult())).containsExactly(Map.entry("bootstrap-servers", "b:2"));
        Path file = dir.resolve("a.properties");
        Files.writeString(file, "bootstrap-server=c:3\n");
        assertThat(set.readFile(file)).containsExactly(Map.entry("bootstrap-servers", "c:3"));
        Files.writeString(file, "bootstrap-server=c:3\nbootstrap-servers=d:4\n");
        assertThatThrownBy(() -> set.readFile(file)).hasMessageContaining("given twice");
    }

    @Test
    void theCommandLineWinsOverTheFileWhichWinsOverDefaultsAndPassthroughKeysAreKept(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("s.properties");
        Files.writeString(file, "interval-ms=500\nratio=0.5\nclient.acks=all\n");
        CommandLine cli = new CommandLine(new Cmd());
        SET.addOptionsTo(cli.getCommandSpec());
        cli.parseArgs("--interval-ms", "700", "--fast");
        Map<String, String> fromFile = SET.readFile(file);
        Values v = SET.resolve(SET.settingsOf(SettingSet.overlay(fromFile, SET.given(cli.getParseResult()))));
        assertThat(v.get(INTERVAL)).isEqualTo(700L);
        assertThat(v.get(RATIO)).isEqualTo(0.5);
        assertThat(v.get(FAST)).isTrue();
        assertThat(SettingSet.under("client.", fromFile)).containsExactly(Map.entry("acks", "all"));
        Files.writeString(file, "unknown=1\n");
        assertThatThrownBy(() -> SET.readFile(file))
                .hasMessageContaining("unknown")
                .hasMessageContaining(file.toString());
    }

    @Test
    void theDescriptionMasksSecretsAndHelpShowsRulesAndDefaults() {
        assertThat(SET.describe(SET.resolve(Map.of("token", "hunter22"))))
                .containsEntry("token", "********")
                .containsEntry("interval-ms", "1000");
        assertThatThrownBy(() -> SET.resolve(Map.of("token", "hunter2")))
                .hasMessageContaining("token")
                .hasMessageContaining("********")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        CommandLine cli = new CommandLine(new Cmd());
        SET.addOptionsTo(cli.getCommandSpec());
        String help = cli.setUsageHelpWidth(200).getUsageMessage();
        assertThat(help)
                .contains("--interval-ms=N")
                .contains("It must be between 100 and 600000. Default: 1000")
                .contains("--[no-]fast")
                .contains("Default: random")
                .contains("Default: (not shown: a secret)")
                .doesNotContain("none-none");
    }
}
