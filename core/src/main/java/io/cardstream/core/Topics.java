package io.cardstream.core;

/** The Kafka topics of the data contract, and the dead-letter headers. */
public final class Topics {

    /** Where the producer writes transactions: key = personId, value = UTF-8 JSON. */
    public static final String TRANSACTIONS = "card-transactions";
    /** Where the job writes records that are not valid transactions, original bytes untouched. */
    public static final String DEAD_LETTER = "card-transactions-dlq";

    public static final String HEADER_ERROR_REASON = "error.reason";
    public static final String HEADER_SOURCE_TOPIC = "source.topic";
    public static final String HEADER_SOURCE_PARTITION = "source.partition";
    public static final String HEADER_SOURCE_OFFSET = "source.offset";

    /**
     * A dead letter is its record plus four headers, so the dead-letter topic must take records this much larger
     * than the input topic does (its {@code max.message.bytes}); otherwise a record near the input's limit could
     * not be dead-lettered and would stop the job. The job checks it at start.
     */
    public static final int DEAD_LETTER_HEADROOM_BYTES = 16 * 1024;
    /** The topic setting that bounds a record batch, compressed, on the broker. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /**
     * {@code max.message.bytes} of a dead-letter topic the project creates: 2 MiB, room for any record of an input
     * topic at Kafka's default limit (1,048,588 bytes) plus its headers.
     */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private Topics() {
    }
}
