package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.job.enrich.Counts;
import io.cardstream.schema.MetricsJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PartitionResultTest {

    private static PartitionResult result(int companyCount) {
        Map<String, PartitionResult.CompanyTotal> companies = new HashMap<>();
        for (int i = 0; i < companyCount; i++) {
            String id = String.format("C%07d", i);
            companies.put(
                    id,
                    new PartitionResult.CompanyTotal(
                            id, i % 7 == 0 ? null : "Merchant " + i, new BigDecimal(i + ".25"), i + 1));
        }
        // an amount whose unscaled value does not fit a long takes the other path
        companies.put(
                "C-big",
                new PartitionResult.CompanyTotal(
                        "C-big", "Big", new BigDecimal("1e30").add(new BigDecimal("0.01")), 3));
        Histogram h = BatchSummary.newHistogram();
        h.recordValue(120);
        h.recordValue(870);
        List<MetricsJson.SampleTx> sample = List.of(
                new MetricsJson.SampleTx("tx-1", "Ada L.", "Shop", "12.50", "EUR", 1_000L, 1_700L, "OK"),
                new MetricsJson.SampleTx("tx-2", null, null, "0.01", "USD", 2_000L, 2_900L, "MISSING_BOTH"));
        return new PartitionResult(
                new Counts(5_000, 4_950, 50, 12, 3, 2),
                0,
                BatchSummary.encode(h),
                new BigDecimal("123456.78"),
                companies,
                sample,
                new PartitionResult.TaskTimes(900_000, 20_000, 500_000, 100_000, 250_000));
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void aCommittedRangesCountsComeBackFromItsOffsetMetadata() {
        PartitionResult committed = result(10);
        String metadata = committed.commitMetadata();
        assertThat(metadata.length())
                .as("under Kafka's offset.metadata.max.bytes")
                .isLessThan(4096);
        PartitionResult again = PartitionResult.committedBefore(metadata);
        assertThat(again.counts()).isEqualTo(new Counts(5_000, 4_950, 50, 12, 3, 2));
        assertThat(again.amountSum()).isEqualByComparingTo("123456.78");
        assertThat(again.committedBefore()).isEqualTo(1);
        assertThat(PartitionResult.committedBefore("written by another tool")
                        .counts()
                        .records())
                .isZero();
        assertThat(PartitionResult.committedBefore(null).committedBefore()).isEqualTo(1);
    }

    @Test
    void carriesStringsOfAnyLength() throws Exception {
        // writeUTF stops at 65,535 bytes, and it failed after the partition's commit
        String name = "\u00e9".repeat(70_000);
        PartitionResult before = new PartitionResult(
                new Counts(1, 1, 0, 0, 0, 0),
                0,
                BatchSummary.encode(BatchSummary.newHistogram()),
                BigDecimal.ONE,
                Map.of("C1", new PartitionResult.CompanyTotal("C1", name, BigDecimal.ONE, 1)),
                List.of(new MetricsJson.SampleTx("tx-1", name, name, "1.00", "EUR", 3L, 4L, "OK")),
                PartitionResult.TaskTimes.NONE);
        PartitionResult after = (PartitionResult) deserialize(serialize(before));
        assertThat(after.sample()).isEqualTo(before.sample());
        assertThat(after.companies()).isEqualTo(before.companies());
    }

    @Test
    void survivesJavaSerialisationFieldForField() throws Exception {
        PartitionResult before = result(3_000);
        PartitionResult after = (PartitionResult) deserialize(serialize(before));
        assertThat(after.counts()).isEqualTo(new Counts(5_000, 4_950, 50, 12, 3, 2));
        assertThat(after.latencyHistogram()).isEqualTo(before.latencyHistogram());
        assertThat(BatchSummary.decode(after.latencyHistogram()).getTotalCount())
                .isEqualTo(2);
        assertThat(after.amountSum()).isEqualTo(new BigDecimal("123456.78"));
        assertThat(after.companies()).isEqualTo(before.companies());
        assertThat(after.companies().get("C0000007").name()).isNull();
        assertThat(after.companies().get("C-big").amount()).isEqualByComparingTo("1000000000000000000000000000000.01");
        assertThat(after.sample()).isEqualTo(before.sample());
        assertThat(after.times()).isEqualTo(new PartitionResult.TaskTimes(900_000, 20_000, 500_000, 100_000, 250_000));
        assertThat(after.times().otherMicros()).isEqualTo(30_000);
    }

    @Test
    void theWireFormIsAFractionOfJavasDefaultForm() throws Exception {
        PartitionResult r = result(3_000);
        // what the default form of the same content costs: the records themselves, without writeReplace
        int defaultForm = serialize(new HashMap<>(r.companies())).length;
        assertThat(serialize(r).length).isLessThan(defaultForm / 2);
    }
}
