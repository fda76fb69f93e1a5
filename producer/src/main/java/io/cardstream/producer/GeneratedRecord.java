package io.cardstream.producer;

import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import java.nio.charset.StandardCharsets;

/**
 * One record the generator made: the transaction it is built from (its event time is set when the value is
 * made, at send time), whether it is deliberately invalid and how, and whether its ids lie outside the
 * dimensions.
 *
 * @param index          the record's position in the generator's sequence
 * @param transaction    the transaction, with event time 0 until {@link #value} stamps it
 * @param badKind        how the record is spoiled, or null for a valid record
 * @param unknownPerson  the person id is outside the loaded persons
 * @param unknownCompany the company id is outside the loaded companies
 */
public record GeneratedRecord(
        long index, Transaction transaction, BadKind badKind, boolean unknownPerson, boolean unknownCompany) {

    public boolean isValid() {
        return badKind == null;
    }

    /** The Kafka record key: the person id, for per-cardholder ordering. */
    public byte[] key() {
        return transaction.personId().getBytes(StandardCharsets.UTF_8);
    }

    /** The Kafka record value with {@code eventTime} as its event time; spoiled when the record is bad. */
    public byte[] value(TransactionCodec codec, long eventTime) {
        Transaction stamped = transaction.withEventTime(eventTime);
        byte[] json = codec.encode(stamped);
        if (badKind == null) {
            return json;
        }
        return badKind.spoil(
                new String(json, StandardCharsets.UTF_8),
                stamped.txId(),
                stamped.amount().toPlainString());
    }
}
