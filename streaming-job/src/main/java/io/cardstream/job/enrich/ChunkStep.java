package io.cardstream.job.enrich;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * A partition's work, with no I/O of its own: records go in one at a time ({@link #accept}); each is decoded and
 * either dead-lettered or held in a chunk; a full chunk's distinct ids are looked up at once, its transactions
 * enriched ({@link Enricher}) and written, and the rows flushed; then latency, amounts, companies and the sample are
 * counted. {@link #finish()} writes the last chunk and returns the tally. The chunk holds decoded transactions, never
 * raw records, so large invalid records cost the memory of one at a time.
 *
 * @param <R> the record as read; {@code value} gives its bytes
 */
public final class ChunkStep<R> {

    private final Function<R, byte[]> value;
    private final DeadLetterSink<R> deadLetters;
    private final DimensionSource dimensions;
    private final RowSink rows;
    private final LongSupplier clock;
    private final long batchTime;
    private final int chunkSize;
    private final int sampleSize;

    private final TransactionCodec codec = TransactionCodec.create();
    private final List<Transaction> chunk;
    private final Set<String> txIds = new HashSet<>();
    private final Histogram latency = Latency.newHistogram();
    private final Map<String, Company> companies = new HashMap<>();
    private final ArrayDeque<EnrichedTransaction> last;
    private long records;
    private long enriched;
    private long deadLettered;
    private long missing;
    private long repeated;
    private long boundedNames;
    private BigDecimal amountSum = BigDecimal.ZERO;

    /**
     * @param clock      milliseconds since the epoch: the processed time of rows, and the written time of latency
     * @param batchTime  the micro-batch's time, stored with every row
     * @param chunkSize  transactions looked up and written together
     * @param sampleSize rows kept for the dashboard
     */
    public ChunkStep(
            Function<R, byte[]> value,
            DeadLetterSink<R> deadLetters,
            DimensionSource dimensions,
            RowSink rows,
            LongSupplier clock,
            long batchTime,
            int chunkSize,
            int sampleSize) {
        this.value = value;
        this.deadLetters = deadLetters;
        this.dimensions = dimensions;
        this.rows = rows;
        this.clock = clock;
        this.batchTime = batchTime;
        this.chunkSize = chunkSize;
        this.sampleSize = sampleSize;
        this.chunk = new ArrayList<>(chunkSize);
        this.last = new ArrayDeque<>(sampleSize);
    }

    /** Decodes one record: a valid transaction joins the chunk (written when it is full), anything else is dead-lettered. */
    public void accept(R record) throws IOException {
        records++;
        DecodeResult result = codec.decode(value.apply(record));
        if (result instanceof DecodeResult.Valid valid) {
            chunk.add(valid.transaction());
            if (!txIds.add(valid.transaction().txId())) {
                repeated++;
            }
            if (chunk.size() == chunkSize) {
                writeChunk();
            }
        } else {
            deadLetters.send(record, (DecodeResult.Invalid) result);
            deadLettered++;
        }
    }

    /** Writes and flushes what is left; the tally of everything accepted. */
    public PartitionTally finish() throws IOException {
        writeChunk();
        Map<String, PartitionTally.CompanyTally> totals = new HashMap<>(companies.size() * 2);
        companies.forEach((id, c) -> totals.put(id, new PartitionTally.CompanyTally(c.name, c.amount, c.transactions)));
        return new PartitionTally(
                new Counts(records, enriched, deadLettered, missing, repeated, boundedNames),
                latency,
                amountSum,
                totals,
                List.copyOf(last));
    }

    private void writeChunk() throws IOException {
        if (chunk.isEmpty()) {
            return;
        }
        Set<String> personIds = new HashSet<>();
        Set<String> companyIds = new HashSet<>();
        for (Transaction tx : chunk) {
            personIds.add(tx.personId());
            companyIds.add(tx.companyId());
        }
        Dimensions names = dimensions.lookUp(personIds, companyIds);
        boundedNames += names.boundedNames();
        long processedTime = clock.getAsLong();
        List<EnrichedTransaction> written = new ArrayList<>(chunk.size());
        for (Transaction tx : chunk) {
            EnrichedTransaction e = Enricher.enrich(tx, names, processedTime, batchTime);
            rows.write(e);
            written.add(e);
        }
        rows.flush();
        long writtenAt = clock.getAsLong();
        for (EnrichedTransaction e : written) {
            count(e, writtenAt);
        }
        chunk.clear();
    }

    private void count(EnrichedTransaction e, long writtenAt) {
        Transaction tx = e.transaction();
        Latency.record(latency, writtenAt - tx.eventTime());
        enriched++;
        if (e.status() != EnrichStatus.OK) {
            missing++;
        }
        amountSum = amountSum.add(tx.amount());
        companies
                .computeIfAbsent(tx.companyId(), id -> new Company(e.companyName()))
                .add(tx.amount());
        if (last.size() == sampleSize) {
            last.removeFirst();
        }
        last.addLast(e);
    }

    /** A company's running total: one object per company, not one per transaction. */
    private static final class Company {
        private final String name;
        private BigDecimal amount = BigDecimal.ZERO;
        private long transactions;

        Company(String name) {
            this.name = name;
        }

        void add(BigDecimal value) {
            amount = amount.add(value);
            transactions++;
        }
    }
}
