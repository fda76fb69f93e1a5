package io.cardstream.job;

import io.cardstream.core.Causes;
import io.cardstream.core.Topics;
import io.cardstream.schema.RowLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.login.LoginException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job checks before its first batch, so that a broken setup fails at start with a message naming the setting
 * instead of in a batch: both topics and the four tables exist, Kafka takes the job's credentials, the dead-letter
 * topic takes the largest dead letter, no committed offset is below the log start (records deleted unread), and no
 * dead-letter transaction of a killed run is left open.
 */
final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private final JobConfig config;
    private final Map<String, Object> consumerProperties;
    private final Connection driverHBase;

    Preflight(JobConfig config, Map<String, Object> consumerProperties, Connection driverHBase) {
        this.config = config;
        this.consumerProperties = consumerProperties;
        this.driverHBase = driverHBase;
    }

    /**
     * Fails the start, naming the setting, when a topic or table the job needs does not exist or Kafka refuses it;
     * then aborts the dead-letter transactions a killed run left open.
     */
    void check() throws IOException {
        Map<String, Object> props = new HashMap<>(consumerProperties);
        props.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin kafka = Admin.create(props)) {
            Set<String> topics = kafka.listTopics().names().get(60, TimeUnit.SECONDS);
            for (String[] t : new String[][] {{"topic", config.topic()}, {"dlq-topic", config.deadLetterTopic()}}) {
                if (!topics.contains(t[1])) {
                    throw new IllegalStateException("Invalid setting " + t[0] + ": the topic " + t[1]
                            + " does not exist at " + config.bootstrapServers() + "; create it first.");
                }
            }
            checkDeadLetterRoom(kafka);
            int partitions = kafka.describeTopics(List.of(config.topic()))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(config.topic())
                    .partitions()
                    .size();
            checkRetention(kafka, partitions);
            abortTransactionsLeftOpen(partitions);
        } catch (ExecutionException e) {
            throw kafkaRefused(e.getCause());
        } catch (KafkaException e) {
            throw kafkaRefused(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Invalid setting bootstrap-servers: Kafka at " + config.bootstrapServers()
                            + " did not answer within 60 s (" + e
                            + "). If its listener wants SASL or SSL, set kafka-prop"
                            + " security.protocol.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics.", e);
        }
        try (org.apache.hadoop.hbase.client.Admin hbase = driverHBase.getAdmin()) {
            for (String[] t : new String[][] {
                {"person-table", config.personTable()},
                {"company-table", config.companyTable()},
                {"tx-table", config.txTable()},
                {"metrics-table", config.metricsTable()}
            }) {
                if (!hbase.tableExists(TableName.valueOf(t[1]))) {
                    throw new IllegalStateException("Invalid setting " + t[0] + ": the HBase table " + t[1]
                            + " does not exist; run bin/cardstream schema create first.");
                }
            }
            checkRowLayout(hbase.getDescriptor(TableName.valueOf(config.txTable())));
        }
    }

    /**
     * Refuses to write a row layout the transactions table was not created for: rows of two layouts in one table
     * would each hide half of a row from the other's readers, and the Hive facade reads only one.
     */
    private void checkRowLayout(TableDescriptor table) {
        RowLayout recorded = RowLayout.of(table);
        if (recorded == config.rowLayout()) {
            return;
        }
        throw new IllegalStateException("Invalid setting row-layout: it is " + config.rowLayout() + ", but the table "
                + config.txTable() + " was created for the " + recorded + " layout"
                + (table.getValue(RowLayout.TABLE_KEY) == null
                        ? " (it has no " + RowLayout.TABLE_KEY + " mark: it was made before layouts had one)"
                        : " (its " + RowLayout.TABLE_KEY + " is " + recorded + ")")
                + ". Run the job with --row-layout " + recorded + ", or move the table to the " + config.rowLayout()
                + " layout (docs/operations.md, \"Row layout\").");
    }

    /**
     * Aborts the dead-letter transactions a killed run of the job may have left open, by fencing each input
     * partition's transactional id. Until then their pending offset commits would keep the stream's consumer
     * waiting for stable offsets, and with it the first batch, whose tasks would be the ones to fence them.
     */
    private void abortTransactionsLeftOpen(int partitions) {
        long start = System.nanoTime();
        // on this thread: its context class loader is the one that sees the job's jar (spark-submit sets it)
        for (int p = 0; p < partitions; p++) {
            TopicPartition source = new TopicPartition(config.topic(), p);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(ExecutorResources.deadLetterProducerProperties(config, source))) {
                producer.initTransactions();
            }
        }
        LOG.info(
                "Fenced the dead-letter producers of the {} partitions of {}, aborting any transaction a previous"
                        + " run left open, in {} ms.",
                partitions,
                config.topic(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The start-up error for a Kafka that refused the job: credentials, rights, or no answer. */
    private IllegalStateException kafkaRefused(Throwable cause) {
        Optional<LoginException> login = Causes.find(cause, LoginException.class);
        if (login.isPresent()) {
            return new IllegalStateException(
                    "Invalid setting kafka-prop sasl.jaas.config: the job's login for Kafka at "
                            + config.bootstrapServers() + " failed before it reached the broker ("
                            + Causes.oneLine(login.get()) + "). With Kerberos (GSSAPI), check the principal and"
                            + " keyTab in the JAAS line and the KDC in krb5.conf (java.security.krb5.conf).",
                    cause);
        }
        if (cause instanceof AuthenticationException) {
            return new IllegalStateException(
                    "Invalid setting kafka-prop sasl.jaas.config: Kafka at "
                            + config.bootstrapServers() + " refused the job's credentials (" + cause.getMessage()
                            + "). Check the user and password, sasl.mechanism and security.protocol.",
                    cause);
        }
        if (cause instanceof AuthorizationException) {
            return new IllegalStateException(
                    "Kafka at " + config.bootstrapServers() + " does not allow the job's"
                            + " principal what it needs (" + cause.getMessage() + "): it must describe and read topic "
                            + config.topic() + ", read group " + config.groupId() + ", write topic "
                            + config.deadLetterTopic()
                            + " and use the transactional ids cardstream-" + config.groupId() + "-*.",
                    cause);
        }
        return new IllegalStateException(
                "Invalid setting bootstrap-servers: Kafka at " + config.bootstrapServers() + " did not answer the job ("
                        + cause + ").",
                cause);
    }

    /**
     * Refuses to start when the dead-letter topic cannot take the largest dead letter
     * ({@link Topics#DEAD_LETTER_MAX_RECORD_BYTES}: dead letters are bounded whatever the input): a record that could
     * not be dead-lettered would fail its batch on every restart. Without the right to describe topic settings,
     * warns and goes on.
     */
    private void checkDeadLetterRoom(Admin kafka) throws InterruptedException, TimeoutException {
        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, config.deadLetterTopic());
        Map<ConfigResource, Config> configs;
        try {
            configs = kafka.describeConfigs(List.of(dlq)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn(
                    "Could not read the max.message.bytes of topic {} ({}); make sure it takes records of {} bytes.",
                    config.deadLetterTopic(),
                    e.getCause().toString(),
                    Topics.DEAD_LETTER_MAX_RECORD_BYTES);
            return;
        }
        long dlqMax =
                Long.parseLong(configs.get(dlq).get(Topics.MAX_MESSAGE_BYTES).value());
        if (dlqMax < Topics.DEAD_LETTER_MAX_RECORD_BYTES) {
            throw new IllegalStateException("Invalid setting dlq-topic: the dead-letter topic "
                    + config.deadLetterTopic() + " takes records of at most " + dlqMax + " bytes (max.message.bytes),"
                    + " but a dead letter can have " + Topics.DEAD_LETTER_MAX_RECORD_BYTES + " (a value of up to "
                    + Topics.DEAD_LETTER_MAX_VALUE_BYTES + " bytes, its key and headers); a record that could not be"
                    + " dead-lettered would stop the job. Raise max.message.bytes of " + config.deadLetterTopic()
                    + " (kafka-configs.sh --alter --entity-type topics --entity-name " + config.deadLetterTopic()
                    + " --add-config max.message.bytes=" + Topics.DEAD_LETTER_MAX_MESSAGE_BYTES + ").");
        }
    }

    /**
     * Fails the start when the group's committed offset of a partition is below the start of its log: the records
     * between were deleted (retention, or records deleted by an admin) before the job read them, and Kafka's
     * consumer would skip them without a word. With {@code resume-after-data-loss} the group's offsets are moved to
     * the log start instead, and the loss is logged.
     */
    private void checkRetention(Admin kafka, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(config.groupId())
                .partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            earliest.put(new TopicPartition(config.topic(), p), OffsetSpec.earliest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                kafka.listOffsets(earliest).all().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> moved =
                new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        List<String> lost = new ArrayList<>();
        starts.forEach((tp, start) -> {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null && at.offset() < start.offset()) {
                lost.add("partition " + tp.partition() + ": offsets " + at.offset() + " to " + (start.offset() - 1)
                        + " (" + (start.offset() - at.offset()) + " records)");
                moved.put(tp, new OffsetAndMetadata(start.offset()));
            }
        });
        if (lost.isEmpty()) {
            return;
        }
        lost.sort(null);
        String ranges = String.join("; ", lost);
        if (!config.resumeAfterDataLoss()) {
            throw new IllegalStateException("The committed offsets of group " + config.groupId() + " are below the"
                    + " start of the log of topic " + config.topic() + ": records were deleted before the job read"
                    + " them (the job was down longer than the topic's retention?). Lost: " + ranges + ". Start with"
                    + " resume-after-data-loss=true (--resume-after-data-loss) to resume from the log start.");
        }
        kafka.alterConsumerGroupOffsets(config.groupId(), moved).all().get(60, TimeUnit.SECONDS);
        LOG.warn(
                "Resuming group {} from the start of the log of {} (resume-after-data-loss): these records were"
                        + " deleted before the job read them and are lost: {}.",
                config.groupId(),
                config.topic(),
                ranges);
    }
}
