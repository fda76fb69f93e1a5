package io.cardstream.job;

import io.cardstream.job.enrich.Counts;
import io.cardstream.job.enrich.Latency;
import io.cardstream.schema.MetricsJson;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One micro-batch's figures, merged from its partitions on the driver: the counts, latency percentiles from the
 * merged histograms, the amount sum, the top companies by amount and a sample of enriched rows. Pure: a unit test
 * merges partition results directly.
 */
public record BatchSummary(
        long batchTime,
        Counts counts,
        long committedBefore,
        long latencyP50Ms,
        long latencyP99Ms,
        long latencyMaxMs,
        BigDecimal amountSum,
        List<PartitionResult.CompanyTotal> topCompanies,
        List<MetricsJson.SampleTx> sample,
        PartitionResult.TaskTimes taskTimes) {

    /** Latencies are recorded up to an hour, with 2 significant digits (1 % error): {@link Latency}. */
    static Histogram newHistogram() {
        return Latency.newHistogram();
    }

    public static BatchSummary merge(long batchTime, List<PartitionResult> parts, int topN, int sampleSize) {
        Counts counts = Counts.NONE;
        long committedBefore = 0;
        BigDecimal amount = BigDecimal.ZERO;
        Histogram latency = newHistogram();
        Map<String, PartitionResult.CompanyTotal> companies = new HashMap<>();
        List<MetricsJson.SampleTx> sample = new ArrayList<>();
        PartitionResult.TaskTimes times = PartitionResult.TaskTimes.NONE;
        for (PartitionResult p : parts) {
            counts = counts.plus(p.counts());
            committedBefore += p.committedBefore();
            amount = amount.add(p.amountSum());
            latency.add(decode(p.latencyHistogram()));
            p.companies().forEach((id, total) -> companies.merge(id, total, PartitionResult.CompanyTotal::plus));
            sample.addAll(p.sample());
            times = times.plus(p.times());
        }
        List<PartitionResult.CompanyTotal> top = companies.values().stream()
                .sorted(Comparator.comparing(PartitionResult.CompanyTotal::amount)
                        .reversed()
                        .thenComparing(PartitionResult.CompanyTotal::companyId))
                .limit(topN)
                .toList();
        sample.sort(Comparator.comparingLong(MetricsJson.SampleTx::eventTime));
        List<MetricsJson.SampleTx> lastRows =
                List.copyOf(sample.subList(Math.max(0, sample.size() - sampleSize), sample.size()));
        boolean none = latency.getTotalCount() == 0;
        return new BatchSummary(
                batchTime,
                counts,
                committedBefore,
                none ? 0 : latency.getValueAtPercentile(50),
                none ? 0 : latency.getValueAtPercentile(99),
                none ? 0 : latency.getMaxValue(),
                amount,
                top,
                lastRows,
                times);
    }

    static byte[] encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return bytes;
    }

    static Histogram decode(byte[] bytes) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (DataFormatException e) {
            throw new IllegalStateException("A partition's latency histogram could not be decoded.", e);
        }
    }
}
