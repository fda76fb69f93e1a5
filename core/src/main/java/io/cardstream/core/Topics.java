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

    private Topics() {
    }
}
