package io.cardstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The project's Kafka image as Testcontainers' {@code KafkaContainer}, declared a compatible substitute for
 * {@code apache/kafka} (it reads the same {@code KAFKA_*} variables and has the same {@code /etc/kafka/docker/run}):
 * a test a Docker user runs the same way, here through podman's Docker-compatible API (the pom points
 * {@code DOCKER_HOST} at it and turns off Ryuk and the start-up checks, whose images no registry serves here).
 */
class KafkaContainerIT {

    @Test
    void theProjectsKafkaImageRunsAsTestcontainersKafka() throws Exception {
        try (ComposeStack engine = ComposeStack.start("cardstreamtc", Map.of())) {
            engine.compose(Duration.ofMinutes(10), "build", "kafka");
            DockerImageName image = DockerImageName.parse("cardstream/kafka:" + System.getProperty("kafka.version"))
                    .asCompatibleSubstituteFor("apache/kafka");
            try (KafkaContainer kafka = new KafkaContainer(image)) {
                kafka.start();
                String servers = kafka.getBootstrapServers();
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
                    admin.createTopics(List.of(new NewTopic("tc-check", 1, (short) 1)))
                            .all()
                            .get();
                }
                Properties producer = new Properties();
                producer.put("bootstrap.servers", servers);
                producer.put("key.serializer", StringSerializer.class.getName());
                producer.put("value.serializer", StringSerializer.class.getName());
                try (KafkaProducer<String, String> p = new KafkaProducer<>(producer)) {
                    p.send(new ProducerRecord<>("tc-check", "k", "through testcontainers"))
                            .get();
                }
                Properties consumer = new Properties();
                consumer.put("bootstrap.servers", servers);
                consumer.put("group.id", "tc-check");
                consumer.put("auto.offset.reset", "earliest");
                consumer.put("key.deserializer", StringDeserializer.class.getName());
                consumer.put("value.deserializer", StringDeserializer.class.getName());
                try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer)) {
                    c.subscribe(List.of("tc-check"));
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    ConsumerRecords<String, String> records = ConsumerRecords.empty();
                    while (records.isEmpty() && System.nanoTime() < deadline) {
                        records = c.poll(Duration.ofSeconds(1));
                    }
                    assertThat(records.records("tc-check"))
                            .extracting(r -> r.value())
                            .containsExactly("through testcontainers");
                }
            }
        }
    }
}
