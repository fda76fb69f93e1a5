package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopFileTest {

    @TempDir
    Path dir;

    @Test
    void noneWhenTheSettingIsEmpty() {
        assertThat(StopFile.of("", new Configuration())).isEmpty();
        assertThat(StopFile.of("  ", new Configuration())).isEmpty();
    }

    @Test
    void seesTheFileAppearAndDeletesIt() throws Exception {
        Path file = dir.resolve("cardstream.stop");
        StopFile stop =
                StopFile.of(file.toUri().toString(), new Configuration()).orElseThrow();
        assertThat(stop.present()).isFalse();
        Files.createFile(file);
        assertThat(stop.present()).isTrue();
        stop.delete();
        assertThat(file).doesNotExist();
        assertThat(stop.present()).isFalse();
    }

    @Test
    void refusesAFileThatExistsAtStartNamingTheSetting() throws Exception {
        Path file = Files.createFile(dir.resolve("left-over.stop"));
        assertThatThrownBy(() -> StopFile.of(file.toString(), new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid setting stop-file")
                .hasMessageContaining("exists already")
                .hasMessageContaining(file.toString());
    }

    @Test
    void refusesAFileSystemItCannotReachNamingTheSetting() {
        assertThatThrownBy(() -> StopFile.of("nosuchscheme://x/stop", new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid setting stop-file")
                .hasMessageContaining("nosuchscheme://x/stop");
    }
}
