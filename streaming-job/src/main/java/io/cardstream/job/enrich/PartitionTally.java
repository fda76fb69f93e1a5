package io.cardstream.job.enrich;

import io.cardstream.core.EnrichedTransaction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What {@link ChunkStep} counted over one partition's range.
 *
 * @param counts       where the range's records went
 * @param latency      event time to written, in milliseconds ({@link Latency})
 * @param amountSum    the written amounts
 * @param companies    per company id: its name, amount and transactions
 * @param sample       the last rows written, oldest first
 */
public record PartitionTally(
        Counts counts,
        Histogram latency,
        BigDecimal amountSum,
        Map<String, CompanyTally> companies,
        List<EnrichedTransaction> sample) {

    /** One company's total within the range. */
    public record CompanyTally(String name, BigDecimal amount, long transactions) {}
}
