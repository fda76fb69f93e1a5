package io.cardstream.job;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The dead letter of an invalid record, bounded whatever the record: the original value, key and headers as they
 * were when they fit ({@link Topics#DEAD_LETTER_MAX_VALUE_BYTES}, {@link Topics#DEAD_LETTER_MAX_KEY_BYTES},
 * {@link Topics#DEAD_LETTER_MAX_HEADER_BYTES}); else the value's and key's first bytes, with headers giving the
 * original size and SHA-256 of the value and what was cut, and the original headers that fit. Then the job's own
 * headers: the reason and the source position. So any record the broker accepted can be dead-lettered, and none can
 * fail its batch for good (a poison pill).
 */
final class DeadLetters {

    private DeadLetters() {}

    static ProducerRecord<byte[], byte[]> of(
            String topic, ConsumerRecord<byte[], byte[]> record, DecodeResult.Invalid invalid) {
        byte[] value = record.value();
        byte[] key = record.key();
        boolean valueCut = value != null && value.length > Topics.DEAD_LETTER_MAX_VALUE_BYTES;
        boolean keyCut = key != null && key.length > Topics.DEAD_LETTER_MAX_KEY_BYTES;
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(
                topic,
                keyCut ? Arrays.copyOf(key, Topics.DEAD_LETTER_MAX_KEY_BYTES) : key,
                valueCut ? Arrays.copyOf(value, Topics.DEAD_LETTER_MAX_VALUE_BYTES) : value);
        Headers headers = letter.headers();
        int headerBytes = 0;
        int dropped = 0;
        for (Header h : record.headers()) {
            int size = h.key().length() + (h.value() == null ? 0 : h.value().length);
            if (headerBytes + size > Topics.DEAD_LETTER_MAX_HEADER_BYTES) {
                dropped++;
            } else {
                headerBytes += size;
                headers.add(h);
            }
        }
        if (dropped > 0) {
            headers.add(header(Topics.HEADER_HEADERS_DROPPED, Integer.toString(dropped)));
        }
        if (valueCut || keyCut) {
            headers.add(header(Topics.HEADER_TRUNCATED, valueCut && keyCut ? "value,key" : valueCut ? "value" : "key"));
        }
        if (valueCut) {
            headers.add(header(Topics.HEADER_ORIGINAL_SIZE, Integer.toString(value.length)));
            headers.add(header(Topics.HEADER_ORIGINAL_SHA256, sha256(value)));
        }
        headers.add(header(Topics.HEADER_ERROR_REASON, invalid.describe()))
                .add(header(Topics.HEADER_SOURCE_TOPIC, record.topic()))
                .add(header(Topics.HEADER_SOURCE_PARTITION, Integer.toString(record.partition())))
                .add(header(Topics.HEADER_SOURCE_OFFSET, Long.toString(record.offset())));
        return letter;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no SHA-256.", e);
        }
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
