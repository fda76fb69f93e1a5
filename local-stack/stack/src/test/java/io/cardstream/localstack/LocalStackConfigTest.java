package io.cardstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackConfigTest {

    private final LocalStackConfig defaults = LocalStackConfig.defaults(Path.of("target/x"));

    @Test
    void defaultsStartBothServicesOnFreePorts() {
        assertThat(defaults.kafka()).isTrue();
        assertThat(defaults.hbase()).isTrue();
        assertThat(defaults.kafkaPort()).isZero();
        assertThat(defaults.zookeeperPort()).isZero();
        assertThat(defaults.dataDir()).isAbsolute();
        assertThat(defaults.logDir()).isEqualTo(defaults.dataDir().resolve("logs"));
    }

    @Test
    void hbaseGetsTheStacksTuningAndTheCallersSettingsWin() {
        assertThat(defaults.effectiveHBaseSettings())
                .isEqualTo(LocalStackConfig.HBASE_TUNING)
                .containsEntry("hbase.hstore.compaction.min", "6")
                .containsEntry("hbase.hstore.compaction.throughput.lower.bound", Long.toString(10L << 20));
        assertThat(defaults.withHBaseSettings(Map.of("hbase.hstore.compaction.min", "3", "x.y", "z"))
                        .effectiveHBaseSettings())
                .containsEntry("hbase.hstore.compaction.min", "3")
                .containsEntry("x.y", "z")
                .containsEntry("hbase.hstore.compaction.throughput.higher.bound", Long.toString(50L << 20))
                .hasSize(LocalStackConfig.HBASE_TUNING.size() + 1);
    }

    @Test
    void rejectsAStackWithNoService() {
        assertThatThrownBy(() -> defaults.withServices(false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Kafka, HBase or both");
    }

    @Test
    void rejectsAPrivilegedOrOutOfRangePortNamingIt() {
        assertThatThrownBy(() -> defaults.withPorts(80, 0, 0))
                .hasMessageContaining("kafka-port")
                .hasMessageContaining("80");
        assertThatThrownBy(() -> defaults.withPorts(0, 0, 70000))
                .hasMessageContaining("zookeeper-port")
                .hasMessageContaining("70000");
    }

    @Test
    void rejectsTheSamePortForBrokerAndController() {
        assertThatThrownBy(() -> defaults.withPorts(20000, 20000, 0)).hasMessageContaining("must differ");
    }

    @Test
    void rejectsAHeapThatIsNotAnXmxValue() {
        assertThatThrownBy(() -> defaults.withHeaps("lots", "1g"))
                .hasMessageContaining("kafka-heap")
                .hasMessageContaining("lots");
        assertThat(defaults.withHeaps("512m", "2g").hbaseHeap()).isEqualTo("2g");
    }

    @Test
    void rejectsANonPositiveTimeout() {
        assertThatThrownBy(() -> defaults.withStartTimeout(Duration.ZERO)).hasMessageContaining("start-timeout");
    }
}
