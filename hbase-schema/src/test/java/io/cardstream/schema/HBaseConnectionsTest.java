package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keytab settings are checked before any Kerberos login, each failure naming the setting. */
class HBaseConnectionsTest {

    @Test
    void kerberosIsHBasesSetting() {
        Configuration conf = new Configuration(false);
        assertThat(HBaseConnections.kerberos(conf)).isFalse();
        conf.set("hbase.security.authentication", "KERBEROS");
        assertThat(HBaseConnections.kerberos(conf)).isTrue();
    }

    @Test
    void aKeytabLoginNeedsBothSettingsAndAReadableKeytab(@TempDir Path dir) throws IOException {
        Configuration conf = new Configuration(false);
        assertThatCode(() -> HBaseConnections.checkKeytabSettings(conf))
                .as("neither: a ticket cache or delegation tokens")
                .doesNotThrowAnyException();

        conf.set("hbase.client.keytab.principal", "cardstream@EXAMPLE.COM");
        assertThatThrownBy(() -> HBaseConnections.checkKeytabSettings(conf))
                .hasMessageStartingWith("Invalid setting hbase.client.keytab.file:")
                .hasMessageContaining("needs both");

        conf.set("hbase.client.keytab.file", dir.resolve("missing.keytab").toString());
        assertThatThrownBy(() -> HBaseConnections.checkKeytabSettings(conf))
                .hasMessageStartingWith("Invalid setting hbase.client.keytab.file:")
                .hasMessageContaining("missing.keytab does not exist or cannot be read");

        conf.set(
                "hbase.client.keytab.file",
                Files.writeString(dir.resolve("a.keytab"), "x").toString());
        conf.unset("hbase.client.keytab.principal");
        assertThatThrownBy(() -> HBaseConnections.checkKeytabSettings(conf))
                .hasMessageStartingWith("Invalid setting hbase.client.keytab.principal:");
    }
}
