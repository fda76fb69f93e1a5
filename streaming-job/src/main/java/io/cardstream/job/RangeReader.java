package io.cardstream.job;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The records of one offset range, read by the task itself with a consumer assigned to the range's partition. The
 * range is done when the consumer's position reaches its end, not when a record at its last offset arrives: offsets
 * of a transactional producer's commit and abort markers, of aborted records (with {@code read_committed}) and of
 * records a compacted topic has removed are never returned, and a range may end on any of them (SPARK-24720: Spark's
 * own iterator waits for a record there and fails). Records at or after the range's end are dropped; the next batch
 * reads them. Holds at most one poll's records ({@code max.poll.records}) at a time.
 */
final class RangeReader implements Iterator<ConsumerRecord<byte[], byte[]>> {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final long until;
    private final long stallNanos;
    private Iterator<ConsumerRecord<byte[], byte[]>> polled = Collections.emptyIterator();
    private ConsumerRecord<byte[], byte[]> next;
    private boolean done;
    /** Time spent in the consumer's polls (its fetches from the broker), not per record. */
    private long pollNanos;

    /**
     * Seeks {@code consumer} (assigned to {@code partition} alone) to {@code from}. Reading fails when the position
     * has not moved for {@code stall} (the broker is down or the range's data is gone).
     */
    RangeReader(Consumer<byte[], byte[]> consumer, TopicPartition partition, long from, long until, Duration stall) {
        this.consumer = consumer;
        this.partition = partition;
        this.until = until;
        this.stallNanos = stall.toNanos();
        if (!consumer.assignment().equals(Set.of(partition))) {
            consumer.assign(List.of(partition));
        }
        consumer.seek(partition, from);
        done = from >= until;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        long lastMove = System.nanoTime();
        long position = -1;
        while (true) {
            while (polled.hasNext()) {
                ConsumerRecord<byte[], byte[]> r = polled.next();
                if (r.offset() >= until) {
                    finish();
                    return false;
                }
                next = r;
                return true;
            }
            long now = consumer.position(partition);
            if (now >= until) {
                finish();
                return false;
            }
            if (now != position) {
                position = now;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > stallNanos) {
                throw new TimeoutException("Reading " + partition + " stalled at offset " + position + " for "
                        + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s, before the end of its range at " + until
                        + ".");
            }
            long polling = System.nanoTime();
            polled = consumer.poll(POLL).records(partition).iterator();
            pollNanos += System.nanoTime() - polling;
        }
    }

    /** Nanoseconds spent waiting in the consumer's polls so far: the task's reading time. */
    long pollNanos() {
        return pollNanos;
    }

    TopicPartition partition() {
        return partition;
    }

    private void finish() {
        done = true;
        polled = Collections.emptyIterator();
    }

    @Override
    public ConsumerRecord<byte[], byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ConsumerRecord<byte[], byte[]> r = next;
        next = null;
        return r;
    }
}
