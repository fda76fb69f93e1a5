package io.cardstream.producer;

import io.cardstream.core.Causes;
import io.cardstream.core.cli.CliCommand;
import io.cardstream.core.settings.SettingSet;
import io.cardstream.core.settings.Values;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.security.auth.login.LoginException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream produce}: the storm of card transactions, sent open-loop to Kafka at a fixed rate, with a
 * progress line a second and a summary at the end.
 */
@Command(
        name = "cardstream produce",
        description = {
            "Sends generated card transactions to Kafka at a fixed rate (open loop: records are due on a fixed"
                    + " schedule; when sends cannot keep up, the producer says how far behind it is). The same --seed"
                    + " gives the same transactions and txIds. Prints a progress line every second and a summary at"
                    + " the end."
        },
        exitCodeList = {
            "0:every record sent and acknowledged",
            "1:the broker could not be reached, the topic is" + " missing, or records failed",
            "2:invalid options",
            "130:stopped by Ctrl-C (after flushing)"
        })
public final class ProduceCommand extends CliCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Set from the settings ({@link ProducerSettings}) at the start of {@link #call()}. */
    private String bootstrapServers;

    private String topic;
    private double rate;
    private long count;
    private double durationSeconds;
    private int persons;
    private int companies;
    private double skew;
    private double badRatio;
    private double unknownRatio;
    private Long seed;
    private long firstIndex;
    private String burst;
    private boolean createTopic;
    private int partitions;
    private short replicationFactor;
    private int connectTimeoutSeconds;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A properties file of these options under their names without dashes (e.g. rate=5000),"
                    + " producer-prop.KEY for producer settings and topic-config.KEY for a created topic's. Flags"
                    + " win.")
    Path configFile;

    @Option(
            names = "--topic-config",
            paramLabel = "KEY=VALUE",
            description = "A setting of a topic made by --create-topic (repeatable), e.g. max.message.bytes=2097152"
                    + " for a dead-letter topic, which must take records larger than the input topic does.")
    Map<String, String> topicConfigs = new LinkedHashMap<>();

    @Option(
            names = "--producer-prop",
            paramLabel = "KEY=VALUE",
            description = "A Kafka producer setting over this tool's defaults (acks=all, enable.idempotence=true,"
                    + " compression.type=lz4, linger.ms=20, batch.size=65536, buffer.memory=67108864); repeatable,"
                    + " e.g. for SASL/SSL.")
    Map<String, String> producerProps = new LinkedHashMap<>();

    @Option(
            names = {"--producer-config", "--producer.config", "--command-config"},
            paramLabel = "FILE",
            description = "A properties file of Kafka producer settings, e.g. security.protocol, sasl.mechanism and"
                    + " sasl.jaas.config: credentials kept out of the command line. --producer-prop wins.")
    Path producerConfig;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with its options: those above, and one per {@link ProducerSettings} setting. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ProduceCommand());
        ProducerSettings.ALL.addOptionsTo(cli.getCommandSpec());
        return cli;
    }

    /** The settings: flags over the --config file over the defaults; the file's passthrough keys below the flags'. */
    private void settle() throws IOException {
        Map<String, String> file = configFile == null ? Map.of() : ProducerSettings.ALL.readFile(configFile);
        Map<String, String> raw = SettingSet.overlay(
                file, ProducerSettings.ALL.given(spec.commandLine().getParseResult()));
        Values v = ProducerSettings.ALL.resolve(ProducerSettings.ALL.settingsOf(raw));
        Map<String, String> props = new LinkedHashMap<>(SettingSet.under(ProducerSettings.PRODUCER_PROP, file));
        props.putAll(producerProps);
        producerProps = props;
        Map<String, String> topicSettings = new LinkedHashMap<>(SettingSet.under(ProducerSettings.TOPIC_CONFIG, file));
        topicSettings.putAll(topicConfigs);
        topicConfigs = topicSettings;
        bootstrapServers = v.get(ProducerSettings.BOOTSTRAP_SERVERS);
        topic = v.get(ProducerSettings.TOPIC);
        rate = v.get(ProducerSettings.RATE);
        count = v.get(ProducerSettings.COUNT);
        durationSeconds = v.get(ProducerSettings.DURATION);
        persons = v.get(ProducerSettings.PERSONS);
        companies = v.get(ProducerSettings.COMPANIES);
        skew = v.get(ProducerSettings.SKEW);
        badRatio = v.get(ProducerSettings.BAD_RATIO);
        unknownRatio = v.get(ProducerSettings.UNKNOWN_RATIO);
        seed = v.get(ProducerSettings.SEED);
        firstIndex = v.get(ProducerSettings.FIRST_INDEX);
        burst = v.get(ProducerSettings.BURST);
        createTopic = v.get(ProducerSettings.CREATE_TOPIC);
        partitions = v.get(ProducerSettings.PARTITIONS);
        replicationFactor = v.get(ProducerSettings.REPLICATION_FACTOR).shortValue();
        connectTimeoutSeconds = v.get(ProducerSettings.CONNECT_TIMEOUT);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GeneratorConfig generatorConfig;
        RateSchedule schedule;
        long actualSeed;
        try {
            settle();
            actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
            generatorConfig = new GeneratorConfig(actualSeed, persons, companies, skew, badRatio, unknownRatio);
            schedule = parseSchedule();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String bootstrap = bootstrapServers;

        Optional<String> problem = checkBrokerAndTopic(bootstrap);
        if (problem.isPresent()) {
            err.println("ERROR: " + problem.get());
            return 1;
        }

        out.printf(
                "Producing to topic %s at %s: %s records/s%s, %s, seed %d (--seed %d replays this run).%n",
                topic,
                bootstrap,
                (long) rate,
                burst == null ? "" : " with bursts " + burst,
                count >= 0 ? count + " records" : durationSeconds > 0 ? durationSeconds + " s" : "until Ctrl-C",
                actualSeed,
                actualSeed);
        out.flush();

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.set(true);
                    try {
                        finished.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "produce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        StormProducer.Summary summary;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(StormProducer.kafkaProperties(bootstrap, clientProperties()))) {
            StormProducer storm =
                    new StormProducer(producer, topic, new TransactionGenerator(generatorConfig), schedule);
            summary = storm.run(
                    firstIndex,
                    count,
                    durationSeconds > 0 ? Duration.ofMillis((long) (durationSeconds * 1000)) : null,
                    stop::get,
                    p -> {
                        out.printf(
                                "%s sent=%d rate=%.0f/s target=%.0f/s behind=%dms acked=%d errors=%d%n",
                                LocalTime.now().format(TIME),
                                p.sent(),
                                p.currentRate(),
                                p.targetRate(),
                                p.behindMs(),
                                p.acked(),
                                p.errors());
                        out.flush();
                    });
        } finally {
            finished.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook waits for the flush above and then lets the JVM exit
        }
        out.printf(
                "Done: sent=%d valid=%d invalid=%d unknown_dims=%d acked=%d errors=%d in %.1f s (%.0f records/s,"
                        + " at most %d ms behind schedule).%n",
                summary.sent(),
                summary.valid(),
                summary.invalid(),
                summary.unknownDimensions(),
                summary.acked(),
                summary.errors(),
                summary.seconds(),
                summary.averageRate(),
                summary.maxBehindMs());
        out.flush();
        if (summary.errors() > 0) {
            err.println("ERROR: " + summary.errors() + " records were not acknowledged by Kafka; the first error: "
                    + summary.firstError());
            return 1;
        }
        return 0;
    }

    /** The producer settings: --producer-config's file, then --producer-prop over it. */
    private Map<String, String> clientProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        if (producerConfig != null) {
            props.putAll(SettingSet.clientProperties("--producer-config", producerConfig));
        }
        props.putAll(producerProps);
        return props;
    }

    private RateSchedule parseSchedule() {
        if (burst == null) {
            return RateSchedule.steady(rate);
        }
        String[] parts = burst.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("burst must be MULTIPLE:SECONDS:EVERY, e.g. 3:5:30; got " + burst + ".");
        }
        try {
            return new RateSchedule(
                    rate, Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "burst must be three numbers MULTIPLE:SECONDS:EVERY; got " + burst + ".");
        }
    }

    /** Empty when the broker answers and the topic exists (or was created); else what is wrong. */
    private Optional<String> checkBrokerAndTopic(String bootstrap) throws InterruptedException {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, connectTimeoutSeconds * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, connectTimeoutSeconds * 1000);
        props.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(connectTimeoutSeconds, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthenticationException) {
                    return Optional.of("The Kafka broker at " + bootstrap + " refused the producer's credentials ("
                            + e.getCause().getMessage() + "); check sasl.jaas.config, sasl.mechanism and"
                            + " security.protocol (--producer-config, --producer-prop).");
                }
                return Optional.of("The Kafka broker at " + bootstrap + " could not be reached within "
                        + connectTimeoutSeconds + " s (--bootstrap-servers, --connect-timeout): " + e.getCause());
            } catch (TimeoutException e) {
                return Optional.of("The Kafka broker at " + bootstrap + " could not be reached within "
                        + connectTimeoutSeconds + " s (--bootstrap-servers, --connect-timeout; if its listener wants"
                        + " SASL or SSL, set security.protocol).");
            }
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(connectTimeoutSeconds, TimeUnit.SECONDS);
                return Optional.empty();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    return Optional.of("The topic " + topic + " could not be described: " + e.getCause());
                }
            } catch (TimeoutException e) {
                return Optional.of(
                        "The topic " + topic + " could not be described within " + connectTimeoutSeconds + " s.");
            }
            if (!createTopic) {
                return Optional.of("The topic " + topic + " does not exist at " + bootstrap
                        + "; create it, or pass --create-topic.");
            }
            try {
                TopicAdmin.createAndAwait(
                        admin,
                        topic,
                        partitions,
                        replicationFactor,
                        topicConfigs,
                        Duration.ofSeconds(connectTimeoutSeconds));
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.of("The topic " + topic + " could not be created: " + e.getCause());
            } catch (TimeoutException e) {
                return Optional.of("The topic " + topic + " could not be created: " + e.getMessage());
            }
        } catch (KafkaException e) {
            Optional<LoginException> login = Causes.find(e, LoginException.class);
            if (login.isEmpty()) {
                throw e;
            }
            return Optional.of("The producer's login for the Kafka broker at " + bootstrap + " failed before it"
                    + " reached the broker (" + Causes.oneLine(login.get()) + "); check sasl.jaas.config (with"
                    + " Kerberos: its principal and keyTab) and the KDC in krb5.conf (KRB5_CONFIG)"
                    + " (--producer-config, --producer-prop).");
        }
    }
}
