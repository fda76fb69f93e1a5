package io.cardstream.job;

import io.cardstream.core.DecodeResult;
import io.cardstream.job.enrich.DeadLetterSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalid records into the dead-letter topic, bounded and with their reason and position ({@link DeadLetters}),
 * through the partition's transactional producer: they are committed with the partition's offsets, or not at all.
 */
final class KafkaDeadLetterSink implements DeadLetterSink<ConsumerRecord<byte[], byte[]>> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterSink.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    KafkaDeadLetterSink(Producer<byte[], byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void send(ConsumerRecord<byte[], byte[]> record, DecodeResult.Invalid reason) {
        producer.send(DeadLetters.of(topic, record, reason));
        LOG.debug("Dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason.reason());
    }
}
