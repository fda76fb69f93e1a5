package io.cardstream.producer;

import java.time.Duration;
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
import org.apache.kafka.common.TopicPartition;

/**
 * Creating a topic that is ready to take writes. {@code createTopics} returns when the controller accepted the
 * topic, before every partition's leader serves it; an idempotent producer that writes in that window gets
 * NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER until its records time out. So: create, then wait
 * until every partition answers a ListOffsets request, which only a live leader does.
 */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /** Creates {@code topic} and returns once every partition has a serving leader. */
    public static void createAndAwait(Admin admin, String topic, int partitions, short replication, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, replication))).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        awaitLeaders(admin, topic, partitions, timeout);
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
                admin.listOffsets(request).all().get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                        TimeUnit.MILLISECONDS);
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
}
