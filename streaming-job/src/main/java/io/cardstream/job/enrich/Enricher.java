package io.cardstream.job.enrich;

import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;

/**
 * The business rule, with no I/O: a transaction plus whatever names were found becomes an enriched transaction.
 * A missing person or company never drops it; the status says what was missing.
 */
public final class Enricher {

    private Enricher() {}

    public static EnrichedTransaction enrich(
            Transaction tx, Dimensions dimensions, long processedTime, long batchTime) {
        String person = dimensions.personName(tx.personId());
        String company = dimensions.companyName(tx.companyId());
        return new EnrichedTransaction(
                tx, person, company, EnrichStatus.of(person != null, company != null), processedTime, batchTime);
    }
}
