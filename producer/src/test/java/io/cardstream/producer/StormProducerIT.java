package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.TransactionCodec;
import io.cardstream.localstack.LocalStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** The producer against a real broker: everything it says it sent arrives, once, and the CLI fails clearly. */
class StormProducerIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaOnly();

    private final TransactionCodec codec = TransactionCodec.create();

    @Test
    void twoHundredThousandRecordsAtFiftyThousandASecondAllArriveOnce() throws Exception {
        String topic = "storm-it";
        createTopic(topic, 4);
        TransactionGenerator generator = new TransactionGenerator(GeneratorConfig.defaults(2026));
        StormProducer.Summary summary;
        try (var producer =
                new KafkaProducer<byte[], byte[]>(StormProducer.kafkaProperties(STACK.bootstrapServers(), Map.of()))) {
            summary = new StormProducer(producer, topic, generator, RateSchedule.steady(50_000))
                    .run(0, 200_000, null, () -> false, p -> {});
        }
        assertThat(summary.sent()).isEqualTo(200_000);
        assertThat(summary.acked()).isEqualTo(200_000);
        assertThat(summary.errors()).isZero();
        // open loop: 200,000 records due at 50,000/s cannot all have gone out before 4 s
        assertThat(summary.seconds()).isGreaterThanOrEqualTo(3.9);

        List<ConsumerRecord<byte[], byte[]>> records =
                TopicAdmin.readFromStart(STACK.bootstrapServers(), topic, 200_000, Duration.ofSeconds(60));
        assertThat(records).hasSize(200_000);
        Set<String> txIds = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            DecodeResult decoded = codec.decode(r.value());
            assertThat(decoded).isInstanceOf(DecodeResult.Valid.class);
            var tx = ((DecodeResult.Valid) decoded).transaction();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(tx.personId());
            txIds.add(tx.txId());
        }
        assertThat(txIds).hasSize(200_000);
        assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSize(4);
    }

    @Test
    void theCommandSendsItsCountAndReportsInvalidRecordsItInjected() throws Exception {
        StringWriter out = new StringWriter();
        int exit = command(
                out,
                new StringWriter(),
                "--bootstrap-servers",
                STACK.bootstrapServers(),
                "--topic",
                "cli-it",
                "--create-topic",
                "--partitions",
                "2",
                "--rate",
                "5000",
                "--count",
                "8000",
                "--bad-ratio",
                "0.1",
                "--unknown-ratio",
                "0.1",
                "--seed",
                "77",
                "--persons",
                "1000",
                "--companies",
                "100");
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("seed 77")
                .contains("Done: sent=8000")
                .contains("errors=0");

        List<ConsumerRecord<byte[], byte[]>> records =
                TopicAdmin.readFromStart(STACK.bootstrapServers(), "cli-it", 8000, Duration.ofSeconds(60));
        assertThat(records).hasSize(8000);
        long invalid =
                records.stream().filter(r -> !codec.decode(r.value()).isValid()).count();
        assertThat(out.toString()).contains("invalid=" + invalid + " ");
        assertThat(invalid).isBetween(600L, 1000L);
    }

    @Test
    void theCommandRefusesAMissingTopicUnlessAskedToCreateIt() {
        StringWriter err = new StringWriter();
        int exit = command(
                new StringWriter(),
                err,
                "--bootstrap-servers",
                STACK.bootstrapServers(),
                "--topic",
                "no-such-topic",
                "--count",
                "10");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .contains("The topic no-such-topic does not exist")
                .contains("--create-topic");
    }

    @Test
    void theCommandFailsClearlyWhenNoBrokerAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        StringWriter err = new StringWriter();
        int exit = command(
                new StringWriter(),
                err,
                "--bootstrap-servers",
                "127.0.0.1:" + port,
                "--connect-timeout",
                "2",
                "--count",
                "10");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("could not be reached within 2 s").contains("127.0.0.1:" + port);
    }

    private static int command(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = ProduceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            TopicAdmin.createAndAwait(admin, topic, partitions, (short) 1, Duration.ofSeconds(30));
        }
    }
}
