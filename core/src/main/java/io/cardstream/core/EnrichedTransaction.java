package io.cardstream.core;

import java.util.Objects;

/**
 * A transaction with the names looked up for it, as the job stores it in HBase's {@code tx_enriched} table.
 * A name is null when its dimension row was not found; {@link #status()} says which.
 *
 * @param transaction   the transaction as decoded from Kafka
 * @param personName    the cardholder's name, or null when not found
 * @param companyName   the merchant's name, or null when not found
 * @param status        whether both dimensions were found
 * @param processedTime epoch milliseconds when the job enriched it
 * @param batchTime     epoch milliseconds of the micro-batch that carried it
 */
public record EnrichedTransaction(
        Transaction transaction,
        String personName,
        String companyName,
        EnrichStatus status,
        long processedTime,
        long batchTime) {

    public EnrichedTransaction {
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(status, "status");
    }
}
