package io.cardstream.core;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One card transaction as it travels on the Kafka topic {@code card-transactions}: who paid ({@code personId}),
 * whom ({@code companyId}), how much in which currency, and when the producer sent it. Instances are valid by
 * construction only through {@link TransactionCodec#decode}; the constructor checks nulls, not the contract.
 *
 * @param txId      unique id of the transaction, 1 to 64 characters
 * @param personId  the cardholder's id; also the Kafka record key, for per-cardholder ordering
 * @param companyId the merchant's id
 * @param amount    positive, at most 2 decimals, at most 1,000,000,000; never a binary float
 * @param currency  ISO 4217 code, three upper-case letters
 * @param eventTime epoch milliseconds set by the producer when it sent the record
 */
public record Transaction(
        String txId, String personId, String companyId, BigDecimal amount, String currency, long eventTime) {

    public Transaction {
        Objects.requireNonNull(txId, "txId");
        Objects.requireNonNull(personId, "personId");
        Objects.requireNonNull(companyId, "companyId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
    }

    /** The same transaction with another event time: the producer stamps it at send time. */
    public Transaction withEventTime(long newEventTime) {
        return new Transaction(txId, personId, companyId, amount, currency, newEventTime);
    }
}
