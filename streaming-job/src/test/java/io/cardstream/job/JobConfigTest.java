package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JobConfigTest {

    private static final String MIN_RATE = "spark.streaming.backpressure.pid.minRate";

    private static JobConfig config(long intervalMs, String startingOffsets, Map<String, String> kafka) {
        return config(intervalMs, startingOffsets, kafka, 0);
    }

    private static JobConfig config(long intervalMs, String startingOffsets, Map<String, String> kafka, long minRate) {
        return new JobConfig(
                "127.0.0.1:9092",
                "t",
                "g",
                "t-dlq",
                intervalMs,
                1000,
                true,
                100,
                minRate,
                startingOffsets,
                "local[2]",
                "cardstream:person",
                "cardstream:company",
                "cardstream:tx_enriched",
                "cardstream:batch_metrics",
                1000,
                60,
                8 << 20,
                30,
                120,
                false,
                kafka,
                Map.of());
    }

    @Test
    void acceptsHalfSecondBatches() {
        assertThat(config(500, "earliest", Map.of()).batchIntervalMs()).isEqualTo(500);
    }

    @Test
    void rejectsABatchIntervalOutOfRangeNamingTheKey() {
        assertThatThrownBy(() -> config(50, "earliest", Map.of()))
                .hasMessageContaining("batch-interval-ms")
                .hasMessageContaining("between 100 and 600000")
                .hasMessageContaining("50");
    }

    @Test
    void rejectsUnknownStartingOffsetsNamingTheKey() {
        assertThatThrownBy(() -> config(1000, "beginning", Map.of())).hasMessageContaining("starting-offsets");
        assertThat(config(1000, "LATEST", Map.of()).startingOffsets()).isEqualTo("latest");
    }

    @Test
    void minRateIsBackpressuresFloorUnlessASparkSettingSaysOtherwise() throws Exception {
        assertThat(StreamingJob.sparkConf(config(1000, "earliest", Map.of())).contains(MIN_RATE))
                .isFalse();
        JobConfig floor = JobCommand.parse("--min-rate", "5000", "--bootstrap-servers", "b:9092");
        assertThat(floor.describe()).containsEntry("min-rate", "5000");
        assertThat(StreamingJob.sparkConf(floor).get(MIN_RATE)).isEqualTo("5000");
        System.setProperty(MIN_RATE, "7000"); // what spark-submit --conf does
        try {
            assertThat(StreamingJob.sparkConf(floor).get(MIN_RATE)).isEqualTo("7000");
        } finally {
            System.clearProperty(MIN_RATE);
        }
        assertThatThrownBy(() -> config(1000, "earliest", Map.of(), -1)).hasMessageContaining("min-rate");
    }

    @Test
    void theStopStallIsThirtySecondsAndBoundedNamingTheKey() throws Exception {
        JobConfig defaults = JobCommand.parse("--bootstrap-servers", "b:9092");
        assertThat(defaults.stopStallSeconds()).isEqualTo(30);
        assertThat(defaults.describe()).containsEntry("stop-stall-seconds", "30");
        assertThat(JobCommand.parse("--stop-stall-seconds", "5", "--bootstrap-servers", "b:9092")
                        .stopStallSeconds())
                .isEqualTo(5);
        assertThatThrownBy(() -> JobCommand.parse("--stop-stall-seconds", "0", "--bootstrap-servers", "b:9092"))
                .hasMessageContaining("stop-stall-seconds")
                .hasMessageContaining("between 1 and 3600");
    }

    @Test
    void masksSecretsInTheEffectiveConfiguration() {
        Map<String, String> described = config(
                        1000,
                        "earliest",
                        Map.of(
                                "sasl.jaas.config",
                                "ScramLoginModule required username=\"u\" password=\"hunter2\";",
                                "ssl.truststore.password",
                                "hunter2",
                                "security.protocol",
                                "SASL_SSL"))
                .describe();
        assertThat(described.toString()).doesNotContain("hunter2").contains("security.protocol=SASL_SSL");
        assertThat(described).containsEntry("kafka-prop ssl.truststore.password", "********");
    }

    @Test
    void flagsWinOverTheFileWhichWinsOverDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(
                file,
                "batch-interval-ms=500\ntopic=from-file\ncache-ttl-seconds=5\n"
                        + "kafka-prop.security.protocol=SSL\nhbase-conf.zookeeper.znode.parent=/hbase-unsecure\n");
        JobCommand command = new JobCommand();
        new CommandLine(command)
                .parseArgs("--config", file.toString(), "--topic", "from-flag", "--bootstrap-servers", "b:9092");
        JobConfig config = command.config();
        assertThat(config.topic()).isEqualTo("from-flag");
        assertThat(config.batchIntervalMs()).isEqualTo(500);
        assertThat(config.cacheTtlSeconds()).isEqualTo(5);
        assertThat(config.groupId()).isEqualTo("cardstream-job");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.hbaseProperties()).containsEntry("zookeeper.znode.parent", "/hbase-unsecure");
    }

    @Test
    void anUnknownKeyInTheFileFailsNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch-intervall-ms=500\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new JobCommand());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("batch-intervall-ms");
    }

    @Test
    void anInvalidFlagFailsAtStartNamingTheKey() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new JobCommand());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--cache-ttl-seconds", "0", "--bootstrap-servers", "b:9092"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cache-ttl-seconds");
    }
}
