package io.cardstream.producer;

import io.cardstream.core.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Topic administration the tools share. Creating a topic that is ready to take writes: {@code createTopics} returns
 * when the controller accepted the topic, before every partition's leader serves it; an idempotent producer that writes in that window gets
 * NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER until its records time out. So: create, then wait
 * until every partition answers a ListOffsets request, which only a live leader does. And a consumer group's lag.
 */
public final class TopicAdmin {

    private TopicAdmin() {}

    /** Creates {@code topic} and returns once every partition has a serving leader. */
    public static void createAndAwait(Admin admin, String topic, int partitions, short replication, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        createAndAwait(admin, topic, partitions, replication, Map.of(), timeout);
    }

    /** Creates {@code topic} with the topic settings {@code configs}; returns once every partition has a leader. */
    public static void createAndAwait(
            Admin admin, String topic, int partitions, short replication, Map<String, String> configs, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replication).configs(configs)))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        awaitLeaders(admin, topic, partitions, timeout);
    }

    /**
     * Creates a dead-letter topic: one that takes records larger than an input topic at Kafka's default limit, with
     * room for a dead letter's headers ({@link Topics#DEAD_LETTER_MAX_MESSAGE_BYTES}).
     */
    public static void createDeadLetterTopicAndAwait(
            Admin admin, String topic, int partitions, short replication, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        createAndAwait(
                admin,
                topic,
                partitions,
                replication,
                Map.of(Topics.MAX_MESSAGE_BYTES, Integer.toString(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES)),
                timeout);
    }

    /** Returns once every partition of {@code topic} answers ListOffsets; throws TimeoutException after the timeout. */
    public static void awaitLeaders(Admin admin, String topic, int partitions, Duration timeout)
            throws InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.listOffsets(request)
                        .all()
                        .get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("The partitions of " + topic + " had no serving leader within "
                            + timeout.toSeconds() + " s: " + notYet.getCause());
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /**
     * Records of {@code topic}'s partitions 0..partitions-1 that {@code group} has not committed (a partition without
     * a commit counts from 0); -1 when Kafka does not answer within 5 s.
     */
    public static long lag(Admin admin, String topic, int partitions, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p))
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
            long lag = 0;
            for (var e :
                    admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    /**
     * Reads {@code topic} from its start, as committed (read_committed), until {@code expected} records arrived or
     * {@code timeout} passed, then polls once more: anything beyond the expected count (a duplicate) shows up too. Its
     * consumer commits nothing, so a topic can be read again.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readFromStart(
            String bootstrapServers, String topic, int expected, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "read-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5_000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
