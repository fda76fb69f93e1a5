package io.cardstream.job;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What one partition of one micro-batch did, sent back to the driver: counts, the latency histogram (event time
 * to written, HdrHistogram, compressed), amounts by company, and the last enriched rows as a sample.
 *
 * @param records       records consumed
 * @param enriched      valid transactions written to HBase
 * @param deadLettered  invalid records written to the dead-letter topic
 * @param missingDims   written transactions with a person or company not found
 * @param latencyHistogram compressed HdrHistogram of event time to written, in milliseconds
 * @param amountSum     sum of the written amounts
 * @param companies     per company id: name and amount total
 * @param sample        the partition's last enriched rows, oldest first
 */
public record PartitionResult(long records, long enriched, long deadLettered, long missingDims,
                              byte[] latencyHistogram, BigDecimal amountSum, Map<String, CompanyTotal> companies,
                              List<SampleRow> sample) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A company's amount in a batch; the name is null when the company was not found. */
    public record CompanyTotal(String companyId, String name, BigDecimal amount, long transactions)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        CompanyTotal plus(CompanyTotal other) {
            return new CompanyTotal(companyId, name != null ? name : other.name, amount.add(other.amount),
                    transactions + other.transactions);
        }
    }

    /** One enriched transaction, as the dashboard's live table shows it. */
    public record SampleRow(String txId, String personName, String companyName, String amount, String currency,
                            long eventTime, long processedTime, String status) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
