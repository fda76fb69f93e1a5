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
        return JobConfig.defaults("127.0.0.1:9092")
                .with(JobSettings.TOPIC, "t")
                .with(JobSettings.GROUP_ID, "g")
                .with(JobSettings.DLQ_TOPIC, "t-dlq")
                .with(JobSettings.BATCH_INTERVAL_MS, intervalMs)
                .with(JobSettings.STARTING_OFFSETS, startingOffsets)
                .with(JobSettings.MIN_RATE, minRate)
                .withKafkaProperties(kafka);
    }

    /** conf/job.properties, the template the distribution ships, is a configuration the job accepts as it is. */
    @Test
    void theJobPropertiesTemplateIsAValidConfiguration() throws Exception {
        Path template = JobProcess.repositoryRoot().resolve("conf/job.properties");
        JobConfig config = JobCommand.parse("--config", template.toString());
        assertThat(config.bootstrapServers()).isEqualTo("broker1:9092,broker2:9092");
        assertThat(config.maxRatePerPartition()).isEqualTo(12_500);
        assertThat(config.get(JobSettings.STOP_FILE)).isEmpty();
        assertThat(JobCommand.parse("--config", template.toString(), "--stop-file", "file:/tmp/stop")
                        .get(JobSettings.STOP_FILE))
                .isEqualTo("file:/tmp/stop");
    }

    @Test
    void aKafkaClientFileIsReadAsKafkasToolsReadItAndTheFlagsWinOverIt(@TempDir Path dir) throws Exception {
        Path client = dir.resolve("client.properties");
        Files.writeString(client, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nclient.rack=r1\n");
        Path config = dir.resolve("job.properties");
        Files.writeString(config, "kafka-prop.sasl.mechanism=PLAIN\nbootstrap-server=k:9092\ngroup=g1\n");
        JobConfig c = JobCommand.parse(
                "--consumer.config",
                client.toString(),
                "--config",
                config.toString(),
                "--kafka-prop",
                "client.rack=r2");
        assertThat(c.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("client.rack", "r2");
        assertThat(c.bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.groupId()).isEqualTo("g1");
        assertThat(JobCommand.parse("--bootstrap-server", "x:1", "--group", "g2")
                        .groupId())
                .isEqualTo("g2");
        assertThatThrownBy(() -> JobCommand.parse(
                        "--command-config", dir.resolve("missing").toString()))
                .hasMessageContaining("--command-config")
                .hasMessageContaining("missing");
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
    void theApplicationIsNamedCardstreamUnlessSparkSubmitNamesIt() {
        assertSparkSubmitWins("spark.app.name", "cardstream", "fraud-enrichment"); // spark-submit --name
    }

    @Test
    void theSparkUisKillLinksAreOffUnlessSparkSubmitTurnsThemOn() {
        assertSparkSubmitWins("spark.ui.killEnabled", "false", "true"); // spark-submit --conf
    }

    /**
     * The job's Spark configuration holds {@code ours} for {@code key}, and {@code submitted} when spark-submit set it
     * (spark-submit hands its settings to the driver as system properties).
     */
    private static void assertSparkSubmitWins(String key, String ours, String submitted) {
        JobConfig config = JobConfig.defaults("b:9092");
        assertThat(StreamingJob.sparkConf(config).get(key)).as(key).isEqualTo(ours);
        System.setProperty(key, submitted);
        try {
            assertThat(StreamingJob.sparkConf(config).get(key))
                    .as(key + " set by spark-submit")
                    .isEqualTo(submitted);
        } finally {
            System.clearProperty(key);
        }
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
                "batch-interval-ms=500\ntopic=from-file\ncache-ttl-seconds=5\nzookeeper-quorum=zk1\nzookeeper-port=2182\n"
                        + "kafka-prop.security.protocol=SSL\nhbase-conf.zookeeper.znode.parent=/hbase-unsecure\n");
        JobConfig config =
                JobCommand.parse("--config", file.toString(), "--topic", "from-flag", "--bootstrap-servers", "b:9092");
        assertThat(config.topic()).isEqualTo("from-flag");
        assertThat(config.batchIntervalMs()).isEqualTo(500);
        assertThat(config.cacheTtlSeconds()).isEqualTo(5);
        assertThat(config.groupId()).isEqualTo("cardstream-job");
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(config.hbaseProperties())
                .containsEntry("zookeeper.znode.parent", "/hbase-unsecure")
                .containsEntry("hbase.zookeeper.quorum", "zk1")
                .containsEntry("hbase.zookeeper.property.clientPort", "2182");
    }

    @Test
    void anUnknownKeyInTheFileFailsNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch-intervall-ms=500\n");
        StringWriter err = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("batch-intervall-ms");
    }

    @Test
    void anInvalidFlagFailsAtStartNamingTheKey() {
        StringWriter err = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--cache-ttl-seconds", "0", "--bootstrap-servers", "b:9092"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cache-ttl-seconds");
    }

    @Test
    void aFlagInTheFileReadsYesAndNoAndRefusesAnythingElseNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "backpressure=no\nresume-after-data-loss=yes\n");
        JobConfig config = JobCommand.parse("--config", file.toString(), "--bootstrap-servers", "b:9092");
        assertThat(config.backpressure()).isFalse();
        assertThat(config.resumeAfterDataLoss()).isTrue();
        Files.writeString(file, "backpressure=maybe\n");
        assertThatThrownBy(() -> JobCommand.parse("--config", file.toString(), "--bootstrap-servers", "b:9092"))
                .hasMessageContaining("backpressure")
                .hasMessageContaining("true or false")
                .hasMessageContaining("maybe");
        assertThat(JobCommand.parse("--no-backpressure", "--bootstrap-servers", "b:9092")
                        .backpressure())
                .isFalse();
    }

    @Test
    void everySettingIsAnOptionAFileKeyAndALineOfTheDescription() throws Exception {
        String help = JobCommand.commandLine().setUsageHelpWidth(400).getUsageMessage();
        JobConfig defaults = JobCommand.parse("--bootstrap-servers", "b:9092");
        for (var setting : JobSettings.ALL.settings()) {
            assertThat(help).as("--help").contains((setting.isFlag() ? "--[no-]" : "--") + setting.name());
            assertThat(defaults.describe()).as("the start-up description").containsKey(setting.name());
        }
        assertThat(help).contains("Default: 1000").contains("must be between 100 and 600000");
        assertThat(defaults).isEqualTo(JobConfig.defaults("b:9092"));
    }

    @Test
    void aWritingIsCheckedAgainstTheSettingsRuleAndTheConfigurationPrintsNoSecret() {
        assertThatThrownBy(() -> JobConfig.defaults("b:9092").with(JobSettings.WRITE_BUFFER_BYTES, 1L))
                .hasMessageContaining("write-buffer-bytes")
                .hasMessageContaining("between 65536 and 268435456");
        String pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
        JobConfig secret = JobConfig.defaults("b:9092")
                .withKafkaProperties(Map.of(
                        "ssl.key.password", "hunter2",
                        "ssl.keystore.key", pem,
                        "sasl.jaas.config", "PlainLoginModule required password=\"hunter3\";"))
                .withHbaseProperties(Map.of("hbase.client.keytab.file", "/etc/secret.keytab"));
        assertThat(secret.toString())
                .doesNotContain("hunter2")
                .doesNotContain("hunter3")
                .doesNotContain("MIIEvQ")
                .doesNotContain("/etc/secret.keytab")
                .contains("ssl.keystore.key")
                .contains("ssl.key.password");
        assertThat(secret.describe()).containsEntry("kafka-prop ssl.keystore.key", "********");
    }
}
