package io.cardstream.producer;

import io.cardstream.core.TransactionCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated transactions to Kafka open-loop: record {@code i} is due at a fixed time of the
 * {@link RateSchedule}, whatever happened to the records before it, as the Yahoo Streaming Benchmark's generator
 * does. When sends cannot keep up, the schedule does not slow down: the producer sends as fast as it can and
 * reports how far behind it is. Each record's event time is stamped as it is sent.
 */
public final class StormProducer {

    /** A progress report, once a second. */
    public record Progress(
            double elapsedSeconds,
            long sent,
            long acked,
            long errors,
            double currentRate,
            double targetRate,
            long behindMs) {}

    /** What a run sent, by kind, and how it went. */
    public record Summary(
            long sent,
            long valid,
            long invalid,
            long unknownDimensions,
            long acked,
            long errors,
            double seconds,
            long maxBehindMs,
            Throwable firstError) {

        /** Nothing sent yet: the start of a sum of runs. */
        public static final Summary NONE = new Summary(0, 0, 0, 0, 0, 0, 0, 0, null);

        public double averageRate() {
            return seconds > 0 ? sent / seconds : 0;
        }

        /** This run followed by {@code next}, as one run (the first error kept). */
        public Summary plus(Summary next) {
            return new Summary(
                    sent + next.sent,
                    valid + next.valid,
                    invalid + next.invalid,
                    unknownDimensions + next.unknownDimensions,
                    acked + next.acked,
                    errors + next.errors,
                    seconds + next.seconds,
                    Math.max(maxBehindMs, next.maxBehindMs),
                    firstError != null ? firstError : next.firstError);
        }
    }

    /** Receives progress reports. */
    @FunctionalInterface
    public interface Listener {
        void progress(Progress progress);
    }

    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final int SEND_CHUNK = 1_000;
    /**
     * The shortest sleep between sends. At 20,000 tx/s, waking for each record's own due time meant 20,000 wake-ups a
     * second: a 30 s run used 12.7 CPU-seconds, against 9.9 when waking once a millisecond to send what fell due
     * meanwhile (20 records at that rate), which no 500 ms or 1 s batch can tell apart. Each record still carries
     * its send time.
     */
    private static final long MIN_PAUSE_NANOS = 1_000_000L;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final TransactionGenerator generator;
    private final RateSchedule schedule;
    private final TransactionCodec codec = TransactionCodec.create();

    public StormProducer(
            Producer<byte[], byte[]> producer, String topic, TransactionGenerator generator, RateSchedule schedule) {
        this.producer = producer;
        this.topic = topic;
        this.generator = generator;
        this.schedule = schedule;
    }

    /**
     * The Kafka producer settings this project uses: idempotent with acks=all, lz4 and 64 KiB batches (measured best
     * on 2 cores, see the feasibility notes), a 20 ms linger, then {@code overrides} on top. At a paced rate the
     * linger, not the batch size, sets how many produce requests there are (one a partition per linger while batches
     * stay under 64 KiB), and each costs the producer and the broker the same whatever it holds: at 5,000 tx/s into
     * 4 partitions, 20 ms instead of the notes' 5 ms took the producer from 0.36-0.45 to 0.29-0.35 cores and the
     * broker from 0.21-0.47 to 0.10-0.27 (two 20 s readings each, on a slow 2-core machine). A record waits at most
     * 20 ms more, against a 1 s batch.
     */
    public static Map<String, Object> kafkaProperties(String bootstrapServers, Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "cardstream-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(overrides);
        return props;
    }

    /**
     * Sends records {@code firstIndex}, {@code firstIndex + 1}, ... on schedule until {@code maxCount} records are
     * sent (negative: no limit), {@code maxDuration} has passed (null: no limit) or {@code stop} says so; then
     * flushes and returns what was sent and acknowledged.
     */
    public Summary run(long firstIndex, long maxCount, Duration maxDuration, BooleanSupplier stop, Listener listener) {
        AtomicLong acked = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Callback callback = (metadata, exception) -> {
            if (exception == null) {
                acked.incrementAndGet();
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, exception);
            }
        };
        double limitSeconds = maxDuration == null ? Double.MAX_VALUE : maxDuration.toNanos() / 1e9;
        long sent = 0;
        long valid = 0;
        long unknown = 0;
        long maxBehindMs = 0;
        long start = System.nanoTime();
        long nextReport = start + REPORT_INTERVAL_NANOS;
        long sentAtLastReport = 0;
        long lastReport = start;

        while (!stop.getAsBoolean() && (maxCount < 0 || sent < maxCount)) {
            long now = System.nanoTime();
            double elapsed = (now - start) / 1e9;
            if (elapsed >= limitSeconds) {
                break;
            }
            long due = schedule.dueBy(elapsed);
            if (maxCount >= 0) {
                due = Math.min(due, maxCount);
            }
            if (sent < due) {
                long behindMs = Math.max(0, (long) ((elapsed - schedule.dueAt(sent)) * 1000));
                maxBehindMs = Math.max(maxBehindMs, behindMs);
                long chunkEnd = Math.min(due, sent + SEND_CHUNK);
                for (; sent < chunkEnd; sent++) {
                    GeneratedRecord record = generator.generate(firstIndex + sent);
                    byte[] value = record.value(codec, System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topic, record.key(), value), callback);
                    if (record.isValid()) {
                        valid++;
                        if (record.unknownPerson() || record.unknownCompany()) {
                            unknown++;
                        }
                    }
                }
            } else {
                LockSupport.parkNanos(MIN_PAUSE_NANOS);
            }
            now = System.nanoTime();
            if (now >= nextReport) {
                double seconds = (now - start) / 1e9;
                double currentRate = (sent - sentAtLastReport) / ((now - lastReport) / 1e9);
                long behindMs = sent < schedule.dueBy(seconds)
                        ? Math.max(0, (long) ((seconds - schedule.dueAt(sent)) * 1000))
                        : 0;
                listener.progress(new Progress(
                        seconds, sent, acked.get(), errors.get(), currentRate, schedule.rateAt(seconds), behindMs));
                sentAtLastReport = sent;
                lastReport = now;
                nextReport += REPORT_INTERVAL_NANOS * Math.max(1, (now - nextReport) / REPORT_INTERVAL_NANOS + 1);
            }
        }
        producer.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(
                sent, valid, sent - valid, unknown, acked.get(), errors.get(), seconds, maxBehindMs, firstError.get());
    }
}
