package io.cardstream.dashboard;

import java.math.BigDecimal;

/** A merchant's amount and transaction count summed over the batches of a time window. */
public record MerchantTotal(String companyId, String name, BigDecimal amount, long transactions) {

    MerchantTotal plus(BigDecimal moreAmount, long moreTransactions) {
        return new MerchantTotal(companyId, name, amount.add(moreAmount), transactions + moreTransactions);
    }
}
