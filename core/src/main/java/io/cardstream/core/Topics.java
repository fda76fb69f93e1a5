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

    /** Set, to {@code value}, {@code key} or both, when a dead letter holds only a prefix of the original's. */
    public static final String HEADER_TRUNCATED = "original.truncated";
    /** The original value's size in bytes, on a dead letter whose value was truncated. */
    public static final String HEADER_ORIGINAL_SIZE = "original.size";
    /** The SHA-256 of the original value, hex, on a dead letter whose value was truncated. */
    public static final String HEADER_ORIGINAL_SHA256 = "original.sha256";
    /** How many of the original record's headers did not fit into a dead letter (absent when all did). */
    public static final String HEADER_HEADERS_DROPPED = "original.headers.dropped";

    /** A dead letter carries at most this many bytes of the original value; a larger value is cut to this prefix. */
    public static final int DEAD_LETTER_MAX_VALUE_BYTES = 256 * 1024;
    /** A dead letter carries at most this many bytes of the original key. */
    public static final int DEAD_LETTER_MAX_KEY_BYTES = 16 * 1024;
    /** A dead letter carries the original headers while their names and values add up to at most this. */
    public static final int DEAD_LETTER_MAX_HEADER_BYTES = 16 * 1024;
    /**
     * The largest dead letter, bounded value, key and headers plus the job's own headers and the record batch's
     * overhead: the dead-letter topic's {@code max.message.bytes} must be at least this (Kafka's default, 1 MiB,
     * is). The job checks it at start, so no record on the input topic can be one the job cannot dead-letter.
     */
    public static final int DEAD_LETTER_MAX_RECORD_BYTES =
            DEAD_LETTER_MAX_VALUE_BYTES + DEAD_LETTER_MAX_KEY_BYTES + DEAD_LETTER_MAX_HEADER_BYTES + 16 * 1024;
    /** The topic setting that bounds a record batch, compressed, on the broker. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /**
     * {@code max.message.bytes} of a dead-letter topic the project creates: 2 MiB, more than the largest dead letter
     * ({@link #DEAD_LETTER_MAX_RECORD_BYTES}).
     */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private Topics() {}
}
