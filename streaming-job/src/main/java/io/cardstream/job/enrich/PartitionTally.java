package io.cardstream.job.enrich;

import io.cardstream.core.EnrichedTransaction;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What {@link ChunkStep} counted over one partition's range.
 *
 * @param records      records read
 * @param enriched     valid transactions written
 * @param deadLettered invalid records sent to the dead-letter sink
 * @param missing      written transactions whose person or company was not found
 * @param repeated     valid transactions whose txId an earlier record of the range had
 * @param boundedNames dimension names the lookups cut to their limit
 * @param latency      event time to written, in milliseconds ({@link Latency})
 * @param amountSum    the written amounts
 * @param companies    per company id: its name, amount and transactions
 * @param sample       the last rows written, oldest first
 */
public record PartitionTally(
        long records,
        long enriched,
        long deadLettered,
        long missing,
        long repeated,
        long boundedNames,
        Histogram latency,
        BigDecimal amountSum,
        Map<String, CompanyTally> companies,
        List<EnrichedTransaction> sample) {

    /** One company's total within the range. */
    public record CompanyTally(String name, BigDecimal amount, long transactions) {}
}
