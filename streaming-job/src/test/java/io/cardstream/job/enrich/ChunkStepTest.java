package io.cardstream.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.InvalidReason;
import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChunkStepTest {

    private static final TransactionCodec CODEC = TransactionCodec.create();
    private static final long NOW = System.currentTimeMillis();
    private static final long BATCH = NOW - 500;

    /** Rows as a sink sees them, with the flushes between them. */
    private static final class Rows implements RowSink {
        final List<EnrichedTransaction> written = new ArrayList<>();
        final List<Integer> flushedAt = new ArrayList<>();
        boolean failFlush;

        @Override
        public void write(EnrichedTransaction row) {
            written.add(row);
        }

        @Override
        public void flush() throws IOException {
            if (failFlush) {
                throw new IOException("HBase refused the rows");
            }
            flushedAt.add(written.size());
        }
    }

    private record Letter(byte[] record, InvalidReason reason) {}

    private final Rows rows = new Rows();
    private final List<Letter> letters = new ArrayList<>();
    private final List<Set<String>> lookedUpPersons = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(NOW);

    private ChunkStep<byte[]> step(int chunk, int sample) {
        DimensionSource names = (persons, companies) -> {
            lookedUpPersons.add(persons);
            return new Dimensions() {
                @Override
                public String personName(String personId) {
                    return personId.equals("P-unknown") ? null : "Name of " + personId;
                }

                @Override
                public String companyName(String companyId) {
                    return "Company " + companyId;
                }

                @Override
                public long boundedNames() {
                    return 1;
                }
            };
        };
        DeadLetterSink<byte[]> dlq = (record, reason) -> letters.add(new Letter(record, reason.reason()));
        return new ChunkStep<>(b -> b, dlq, names, rows, clock::get, BATCH, chunk, sample);
    }

    private static byte[] tx(String id, String person, String company, String amount, long eventTime) {
        return CODEC.encode(new Transaction(id, person, company, new BigDecimal(amount), "EUR", eventTime));
    }

    @Test
    void storesValidTransactionsAndDeadLettersTheRestSoTheCountsReconcile() throws IOException {
        ChunkStep<byte[]> step = step(100, 20);
        byte[] garbage = "not json".getBytes(StandardCharsets.UTF_8);
        step.accept(tx("t1", "P1", "C1", "1.50", NOW - 1_000));
        step.accept(garbage);
        step.accept(tx("t2", "P2", "C1", "2.25", NOW - 500));
        PartitionTally tally = step.finish();

        assertThat(tally.counts().records()).isEqualTo(3);
        assertThat(tally.counts().enriched()).isEqualTo(2);
        assertThat(tally.counts().deadLettered()).isEqualTo(1);
        assertThat(tally.counts().records())
                .isEqualTo(tally.counts().enriched() + tally.counts().deadLettered());
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.record()).isSameAs(garbage);
            assertThat(l.reason()).isEqualTo(InvalidReason.MALFORMED_JSON);
        });
        assertThat(rows.written).extracting(e -> e.transaction().txId()).containsExactly("t1", "t2");
        assertThat(rows.written).allSatisfy(e -> assertThat(e.batchTime()).isEqualTo(BATCH));
        assertThat(tally.amountSum()).isEqualByComparingTo("3.75");
        assertThat(tally.companies()).containsOnlyKeys("C1");
        assertThat(tally.companies().get("C1").transactions()).isEqualTo(2);
        assertThat(tally.companies().get("C1").name()).isEqualTo("Company C1");
    }

    @Test
    void looksUpAChunksDistinctIdsOnceAndFlushesEveryChunkBeforeCountingIt() throws IOException {
        ChunkStep<byte[]> step = step(2, 20);
        for (int i = 0; i < 5; i++) {
            step.accept(tx("t" + i, "P" + (i % 2), "C1", "1.00", NOW - 1_000));
        }
        assertThat(rows.flushedAt)
                .as("flushed after each full chunk, before more are read")
                .containsExactly(2, 4);
        PartitionTally tally = step.finish();
        assertThat(rows.flushedAt).containsExactly(2, 4, 5);
        assertThat(lookedUpPersons).containsExactly(Set.of("P0", "P1"), Set.of("P0", "P1"), Set.of("P0"));
        assertThat(tally.counts().boundedNames()).isEqualTo(3);
        assertThat(tally.latency().getTotalCount()).isEqualTo(5);
        assertThat(tally.latency().getMaxValue()).isBetween(900L, 1_100L);
    }

    @Test
    void marksAMissingPersonAndCountsRepeatedTxIds() throws IOException {
        ChunkStep<byte[]> step = step(100, 20);
        step.accept(tx("t1", "P-unknown", "C1", "1.00", NOW - 1_000));
        step.accept(tx("t1", "P-unknown", "C1", "1.00", NOW - 1_000));
        step.accept(tx("t2", "P1", "C1", "1.00", NOW - 1_000));
        PartitionTally tally = step.finish();
        assertThat(tally.counts().missing()).isEqualTo(2);
        assertThat(tally.counts().repeated()).isEqualTo(1);
        assertThat(rows.written.get(0).status()).isEqualTo(EnrichStatus.PERSON_MISSING);
    }

    @Test
    void keepsTheLastRowsAsTheSampleOldestFirst() throws IOException {
        ChunkStep<byte[]> step = step(3, 2);
        for (int i = 0; i < 7; i++) {
            step.accept(tx("t" + i, "P1", "C" + i, "1.00", NOW - 1_000));
        }
        PartitionTally tally = step.finish();
        assertThat(tally.sample()).extracting(e -> e.transaction().txId()).containsExactly("t5", "t6");
        assertThat(tally.companies()).hasSize(7);
    }

    @Test
    void aFailedFlushFailsTheStepWithNothingCountedAsStored() throws IOException {
        ChunkStep<byte[]> step = step(2, 20);
        rows.failFlush = true;
        step.accept(tx("t1", "P1", "C1", "1.00", NOW - 1_000));
        assertThatThrownBy(() -> step.accept(tx("t2", "P1", "C1", "1.00", NOW - 1_000)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HBase refused");
        assertThat(letters).isEmpty();
    }

    @Test
    void aRecordThatIsNoTransactionReachesTheDeadLetterSinkWithItsReason() throws IOException {
        ChunkStep<byte[]> step = step(100, 20);
        byte[] utf16 = "{\"txId\":\"t\"}".getBytes(StandardCharsets.UTF_16);
        step.accept(utf16);
        assertThat(step.finish().counts().deadLettered()).isEqualTo(1);
        assertThat(letters.get(0).reason()).isEqualTo(InvalidReason.INVALID_UTF8);
        assertThat(rows.written).isEmpty();
    }
}
