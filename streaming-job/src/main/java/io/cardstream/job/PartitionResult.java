package io.cardstream.job;

import io.cardstream.job.enrich.Counts;
import io.cardstream.job.enrich.Latency;
import io.cardstream.job.enrich.PartitionTally;
import io.cardstream.schema.MetricsJson;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one partition of one micro-batch did, sent back to the driver: counts, the latency histogram (event time
 * to written, HdrHistogram, compressed), amounts by company, and the last enriched rows as a sample.
 *
 * @param counts        where the range's records went: consumed, written to HBase, dead-lettered, with missing
 *                      names, repeats, names cut to their limit
 * @param committedBefore 1 when this attempt found its range committed by an earlier attempt (a retry or a
 *                      speculative copy) and did nothing: its counts are that attempt's, from the commit's metadata
 * @param latencyHistogram compressed HdrHistogram of event time to written, in milliseconds
 * @param amountSum     sum of the written amounts
 * @param companies     per company id: name and amount total
 * @param sample        the partition's last enriched rows, oldest first
 * @param times         where the partition's task spent its time
 */
public record PartitionResult(
        Counts counts,
        long committedBefore,
        byte[] latencyHistogram,
        BigDecimal amountSum,
        Map<String, CompanyTotal> companies,
        List<MetricsJson.SampleTx> sample,
        TaskTimes times)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The result of an empty range. */
    static PartitionResult empty() {
        return new PartitionResult(
                Counts.NONE,
                0,
                BatchSummary.encode(Latency.newHistogram()),
                BigDecimal.ZERO,
                Map.of(),
                List.of(),
                TaskTimes.NONE);
    }

    /** What the pure step counted, as the driver receives it (the task's times are added once it has committed). */
    static PartitionResult of(PartitionTally tally) {
        Map<String, CompanyTotal> totals = new HashMap<>(tally.companies().size() * 2);
        tally.companies()
                .forEach((id, c) -> totals.put(id, new CompanyTotal(id, c.name(), c.amount(), c.transactions())));
        List<MetricsJson.SampleTx> sample = tally.sample().stream()
                .map(e -> new MetricsJson.SampleTx(
                        e.transaction().txId(),
                        e.personName(),
                        e.companyName(),
                        e.transaction().amount().toPlainString(),
                        e.transaction().currency(),
                        e.transaction().eventTime(),
                        e.processedTime(),
                        e.status().name()))
                .toList();
        return new PartitionResult(
                tally.counts(),
                0,
                BatchSummary.encode(tally.latency()),
                tally.amountSum(),
                totals,
                sample,
                TaskTimes.NONE);
    }

    /** This result with the task's times, known only once its transaction has committed. */
    PartitionResult withTimes(TaskTimes taskTimes) {
        return new PartitionResult(counts, committedBefore, latencyHistogram, amountSum, companies, sample, taskTimes);
    }

    /** The version tag of {@link #commitMetadata()}. */
    static final String METADATA_TAG = "cardstream/1";

    /**
     * This range's counts, for the metadata of its committed offset (a few dozen bytes, under Kafka's 4,096 limit):
     * committed in the same transaction as the offset, so an attempt that finds the range committed can report what
     * the committing attempt did, and a driver whose batch failed can tell what its committed partitions did.
     */
    String commitMetadata() {
        return METADATA_TAG + " records=" + counts.records() + " enriched=" + counts.enriched() + " dead_lettered="
                + counts.deadLettered() + " missing_dims=" + counts.missing() + " repeated=" + counts.repeated()
                + " bounded_names=" + counts.boundedNames() + " amount=" + amountSum.toPlainString();
    }

    /**
     * The result of a range an earlier attempt committed, from its offset's {@link #commitMetadata()}; counts 0
     * when the metadata is not the job's. The latency histogram, companies and sample are not in it: empty.
     */
    static PartitionResult committedBefore(String metadata) {
        Map<String, String> fields = new HashMap<>();
        if (metadata != null && metadata.startsWith(METADATA_TAG + " ")) {
            for (String field : metadata.substring(METADATA_TAG.length() + 1).split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
        }
        Counts counts;
        BigDecimal amount;
        try {
            counts = new Counts(
                    count(fields, "records"),
                    count(fields, "enriched"),
                    count(fields, "dead_lettered"),
                    count(fields, "missing_dims"),
                    count(fields, "repeated"),
                    count(fields, "bounded_names"));
            amount = new BigDecimal(fields.getOrDefault("amount", "0"));
        } catch (NumberFormatException e) {
            counts = Counts.NONE;
            amount = BigDecimal.ZERO;
        }
        return new PartitionResult(
                counts,
                1,
                BatchSummary.encode(BatchSummary.newHistogram()),
                amount,
                Map.of(),
                List.of(),
                TaskTimes.NONE);
    }

    private static long count(Map<String, String> fields, String key) {
        return Long.parseLong(fields.getOrDefault(key, "0"));
    }

    /**
     * Travels to the driver as a {@link Wire}: Java's default form of thousands of company records (each with a
     * BigDecimal) a partition and batch took about a tenth of the job JVM's CPU samples at 20,000 tx/s (Java Flight
     * Recorder), half of them on the driver's result thread.
     */
    @Serial
    private Object writeReplace() {
        return new Wire(this);
    }

    /** A company's amount in a batch; the name is null when the company was not found. */
    public record CompanyTotal(String companyId, String name, BigDecimal amount, long transactions)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        CompanyTotal plus(CompanyTotal other) {
            return new CompanyTotal(
                    companyId,
                    name != null ? name : other.name,
                    amount.add(other.amount),
                    transactions + other.transactions);
        }
    }

    /**
     * Where a task's wall time went, in microseconds: reading its records from the broker (the consumer's fetches),
     * waiting for its HBase writes to be flushed, looking up dimensions (cache and HBase), and its Kafka transaction
     * (claim, offsets, commit); the rest is decoding, dead letters' sends, enriching and building rows. Summed over a
     * batch's tasks, it tells an operator what a slow batch waited on.
     *
     * @param totalMicros      the whole task
     * @param readMicros       reading the partition's records
     * @param hbaseWriteMicros waiting for HBase to take the rows
     * @param lookupMicros     the dimension lookups
     * @param kafkaMicros      the dead-letter transaction's claim, offsets and commit
     */
    public record TaskTimes(
            long totalMicros, long readMicros, long hbaseWriteMicros, long lookupMicros, long kafkaMicros)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public static final TaskTimes NONE = new TaskTimes(0, 0, 0, 0, 0);

        public TaskTimes plus(TaskTimes other) {
            return new TaskTimes(
                    totalMicros + other.totalMicros,
                    readMicros + other.readMicros,
                    hbaseWriteMicros + other.hbaseWriteMicros,
                    lookupMicros + other.lookupMicros,
                    kafkaMicros + other.kafkaMicros);
        }

        /** Each time divided by {@code n}: the average of {@code n} summed times. */
        public TaskTimes dividedBy(long n) {
            return new TaskTimes(
                    totalMicros / n, readMicros / n, hbaseWriteMicros / n, lookupMicros / n, kafkaMicros / n);
        }

        /** Microseconds as whole milliseconds, rounded: how the log line and the benchmark show these times. */
        public static long millis(long micros) {
            return Math.round(micros / 1_000.0);
        }

        /** What is left: decoding, dead letters' sends, enriching, building rows, bookkeeping. */
        public long otherMicros() {
            return Math.max(0, totalMicros - readMicros - hbaseWriteMicros - lookupMicros - kafkaMicros);
        }
    }

    /** The compact serialised form of a {@link PartitionResult}: fields written one by one, no per-object headers. */
    static final class Wire implements Externalizable {
        @Serial
        private static final long serialVersionUID = 1L;

        private PartitionResult result;

        /** For deserialisation only. */
        public Wire() {}

        Wire(PartitionResult result) {
            this.result = result;
        }

        /**
         * Writes {@code result} as Spark will send it, so that anything data could make fail fails before the
         * partition commits, not after.
         */
        static void check(PartitionResult result) throws IOException {
            CHECKING.set(true);
            try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
                out.writeObject(result);
            } finally {
                CHECKING.remove();
            }
        }

        /** Set while {@link #check} writes: the test hook's SERIALIZING fault is for Spark's own write only. */
        private static final ThreadLocal<Boolean> CHECKING = new ThreadLocal<>();

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            if (CHECKING.get() == null && result.counts.records() > 0) {
                Faults.at(Faults.Step.SERIALIZING, null, 0);
            }
            PartitionResult r = result;
            out.writeLong(r.counts.records());
            out.writeLong(r.counts.enriched());
            out.writeLong(r.counts.deadLettered());
            out.writeLong(r.counts.missing());
            out.writeLong(r.counts.repeated());
            out.writeLong(r.counts.boundedNames());
            out.writeLong(r.committedBefore);
            out.writeInt(r.latencyHistogram.length);
            out.write(r.latencyHistogram);
            writeDecimal(out, r.amountSum);
            out.writeInt(r.companies.size());
            for (CompanyTotal c : r.companies.values()) {
                writeString(out, c.companyId);
                writeNullable(out, c.name);
                writeDecimal(out, c.amount);
                out.writeLong(c.transactions);
            }
            out.writeInt(r.sample.size());
            for (MetricsJson.SampleTx row : r.sample) {
                writeString(out, row.txId());
                writeNullable(out, row.personName());
                writeNullable(out, row.companyName());
                writeString(out, row.amount());
                writeString(out, row.currency());
                out.writeLong(row.eventTime());
                out.writeLong(row.processedTime());
                writeString(out, row.status());
            }
            out.writeLong(r.times.totalMicros);
            out.writeLong(r.times.readMicros);
            out.writeLong(r.times.hbaseWriteMicros);
            out.writeLong(r.times.lookupMicros);
            out.writeLong(r.times.kafkaMicros);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            Counts counts = new Counts(
                    in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            long committedBefore = in.readLong();
            byte[] histogram = new byte[in.readInt()];
            in.readFully(histogram);
            BigDecimal amountSum = readDecimal(in);
            int companyCount = in.readInt();
            Map<String, CompanyTotal> companies = new HashMap<>(companyCount * 2);
            for (int i = 0; i < companyCount; i++) {
                String id = readString(in);
                companies.put(id, new CompanyTotal(id, readNullable(in), readDecimal(in), in.readLong()));
            }
            int sampleCount = in.readInt();
            List<MetricsJson.SampleTx> sample = new ArrayList<>(sampleCount);
            for (int i = 0; i < sampleCount; i++) {
                sample.add(new MetricsJson.SampleTx(
                        readString(in),
                        readNullable(in),
                        readNullable(in),
                        readString(in),
                        readString(in),
                        in.readLong(),
                        in.readLong(),
                        readString(in)));
            }
            TaskTimes times = new TaskTimes(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            result = new PartitionResult(
                    counts, committedBefore, histogram, amountSum, companies, List.copyOf(sample), times);
        }

        @Serial
        private Object readResolve() {
            return result;
        }

        private static void writeNullable(ObjectOutput out, String s) throws IOException {
            out.writeBoolean(s != null);
            if (s != null) {
                writeString(out, s);
            }
        }

        private static String readNullable(ObjectInput in) throws IOException {
            return in.readBoolean() ? readString(in) : null;
        }

        /**
         * A string as its UTF-8 length and bytes: no limit that data can reach ({@code writeUTF} fails past 65,535
         * bytes, and it would fail after the partition's commit).
         */
        private static void writeString(ObjectOutput out, String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = bytes.length;
            // the length as a varint: one byte for the ids and names of every day
            while (n >= 0x80) {
                out.writeByte((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            out.writeByte(n);
            out.write(bytes);
        }

        private static String readString(ObjectInput in) throws IOException {
            int n = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.readUnsignedByte();
                n |= (b & 0x7f) << shift;
                if (b < 0x80) {
                    break;
                }
            }
            byte[] bytes = new byte[n];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** Scale and unscaled value; a long when it fits (every amount of the contract does). */
        private static void writeDecimal(ObjectOutput out, BigDecimal v) throws IOException {
            out.writeInt(v.scale());
            BigInteger unscaled = v.unscaledValue();
            if (unscaled.bitLength() < 64) {
                out.writeByte(0);
                out.writeLong(unscaled.longValue());
            } else {
                byte[] bytes = unscaled.toByteArray();
                out.writeByte(1);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }

        private static BigDecimal readDecimal(ObjectInput in) throws IOException {
            int scale = in.readInt();
            if (in.readByte() == 0) {
                return BigDecimal.valueOf(in.readLong(), scale);
            }
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new BigDecimal(new BigInteger(bytes), scale);
        }
    }
}
