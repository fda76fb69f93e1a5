package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.job.enrich.Counts;
import io.cardstream.schema.MetricsJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BatchSummaryTest {

    private static PartitionResult part(
            long records,
            long enriched,
            long dead,
            long missing,
            long[] latencies,
            Map<String, PartitionResult.CompanyTotal> companies,
            List<MetricsJson.SampleTx> sample) {
        Histogram h = BatchSummary.newHistogram();
        BigDecimal sum = BigDecimal.ZERO;
        for (long l : latencies) {
            h.recordValue(l);
        }
        for (PartitionResult.CompanyTotal c : companies.values()) {
            sum = sum.add(c.amount());
        }
        return new PartitionResult(
                new Counts(records, enriched, dead, missing, 0, 0),
                0,
                BatchSummary.encode(h),
                sum,
                companies,
                sample,
                new PartitionResult.TaskTimes(records * 10, records, records * 5, records, records * 2));
    }

    private static PartitionResult.CompanyTotal company(String id, String amount, long n) {
        return new PartitionResult.CompanyTotal(id, "name-" + id, new BigDecimal(amount), n);
    }

    private static MetricsJson.SampleTx row(String txId, long eventTime) {
        return new MetricsJson.SampleTx(txId, "p", "c", "1.00", "EUR", eventTime, eventTime + 5, "OK");
    }

    @Test
    void sumsCountsAndAmountsAcrossPartitions() {
        BatchSummary s = BatchSummary.merge(
                1000,
                List.of(
                        part(10, 9, 1, 2, new long[] {100}, Map.of("C1", company("C1", "5.00", 1)), List.of()),
                        part(20, 20, 0, 0, new long[] {200}, Map.of("C2", company("C2", "7.50", 2)), List.of())),
                10,
                20);
        assertThat(s.counts().records()).isEqualTo(30);
        assertThat(s.counts().enriched()).isEqualTo(29);
        assertThat(s.counts().deadLettered()).isEqualTo(1);
        assertThat(s.counts().missing()).isEqualTo(2);
        assertThat(s.amountSum()).isEqualByComparingTo("12.50");
        assertThat(s.counts().records())
                .isEqualTo(s.counts().enriched() + s.counts().deadLettered());
    }

    @Test
    void addsUpWhereTheTasksSpentTheirTime() {
        BatchSummary s = BatchSummary.merge(
                1000,
                List.of(
                        part(10, 9, 1, 2, new long[] {100}, Map.of(), List.of()),
                        part(20, 20, 0, 0, new long[] {200}, Map.of(), List.of())),
                10,
                20);
        assertThat(s.taskTimes()).isEqualTo(new PartitionResult.TaskTimes(300, 30, 150, 30, 60));
        assertThat(s.taskTimes().otherMicros()).isEqualTo(30);
        // clocks read at different moments may add up to more than the whole: the rest is never negative
        assertThat(new PartitionResult.TaskTimes(100, 10, 60, 30, 20).otherMicros())
                .isZero();
    }

    @Test
    void mergesLatencyHistogramsBeforeTakingPercentiles() {
        long[] fast = new long[99];
        java.util.Arrays.fill(fast, 100);
        BatchSummary s = BatchSummary.merge(
                1000,
                List.of(
                        part(99, 99, 0, 0, fast, Map.of(), List.of()),
                        part(1, 1, 0, 0, new long[] {5000}, Map.of(), List.of())),
                10,
                20);
        assertThat(s.latencyP50Ms()).isBetween(99L, 101L);
        assertThat(s.latencyMaxMs()).isBetween(4990L, 5030L);
        assertThat(s.latencyP99Ms()).isBetween(99L, 101L);
    }

    @Test
    void addsACompanysAmountsFromEveryPartitionBeforeRanking() {
        BatchSummary s = BatchSummary.merge(
                1000,
                List.of(
                        part(
                                3,
                                3,
                                0,
                                0,
                                new long[] {1},
                                Map.of("A", company("A", "60.00", 1), "B", company("B", "80.00", 1)),
                                List.of()),
                        part(2, 2, 0, 0, new long[] {1}, Map.of("A", company("A", "30.00", 1)), List.of())),
                1,
                20);
        assertThat(s.topCompanies()).hasSize(1);
        assertThat(s.topCompanies().get(0).companyId()).isEqualTo("A");
        assertThat(s.topCompanies().get(0).amount()).isEqualByComparingTo("90.00");
        assertThat(s.topCompanies().get(0).transactions()).isEqualTo(2);
    }

    @Test
    void keepsTheNewestSampleRowsAcrossPartitions() {
        BatchSummary s = BatchSummary.merge(
                1000,
                List.of(
                        part(2, 2, 0, 0, new long[] {1}, Map.of(), List.of(row("a", 1), row("c", 3))),
                        part(2, 2, 0, 0, new long[] {1}, Map.of(), List.of(row("b", 2), row("d", 4)))),
                10,
                3);
        assertThat(s.sample()).extracting(MetricsJson.SampleTx::txId).containsExactly("b", "c", "d");
    }

    @Test
    void anEmptyBatchHasZeroLatencies() {
        BatchSummary s = BatchSummary.merge(1000, List.of(part(0, 0, 0, 0, new long[0], Map.of(), List.of())), 10, 20);
        assertThat(s.latencyP99Ms()).isZero();
        assertThat(s.topCompanies()).isEmpty();
    }
}
