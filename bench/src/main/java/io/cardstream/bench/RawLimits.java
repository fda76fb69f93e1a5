package io.cardstream.bench;

import io.cardstream.core.DimensionIds;
import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.job.EnrichedRows;
import io.cardstream.localstack.LocalStack;
import io.cardstream.producer.GeneratedRecord;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.RateSchedule;
import io.cardstream.producer.StormProducer;
import io.cardstream.producer.TransactionGenerator;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.BufferedMutatorParams;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The machine's own limits, measured with the same stack the pipeline runs on: Kafka's consume rate (Kafka's own
 * {@code ConsumerPerformance}, in a JVM of its own), the HBase write rate of exactly the rows the job writes into a
 * table with exactly {@code tx_enriched}'s settings (BufferedMutator, the job's buffer size), and the batched-get
 * rate of dimension rows (1,000 keys a call, as the job's lookups do).
 */
final class RawLimits {

    private static final TableName WRITE_TABLE = TableName.valueOf(Schema.NAMESPACE, "bench_write_limit");
    private static final TableName LAYOUT_TABLE = TableName.valueOf(Schema.NAMESPACE, "bench_row_layout");

    private final BenchContext ctx;

    RawLimits(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** Records a second ConsumerPerformance fetches from a topic of {@code records} generated transactions. */
    double kafkaConsume(long records) throws Exception {
        String topic = "bench-consume-limit";
        ctx.createTopic(topic, 4);
        TransactionGenerator generator = new TransactionGenerator(GeneratorConfig.defaults(7));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(StormProducer.kafkaProperties(ctx.bootstrapServers(), Map.of()))) {
            new StormProducer(producer, topic, generator, RateSchedule.steady(5_000_000))
                    .run(0, records, null, () -> false, p -> {});
        }
        Path log = ctx.logDir().resolve("consumer-performance.log");
        List<String> command = new ArrayList<>(ctx.javaCommand("bench", "1g"));
        command.addAll(List.of(
                "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server",
                ctx.bootstrapServers(),
                "--topic",
                topic,
                "--messages",
                Long.toString(records),
                "--timeout",
                "60000"));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("ConsumerPerformance failed; see " + log);
        }
        return parseConsumerPerformance(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    /**
     * {@code fetch.nMsg.sec} from ConsumerPerformance's CSV line: the fetch rate, without the group join, which a
     * long-running consumer pays once.
     */
    static double parseConsumerPerformance(List<String> lines) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("start.time")) {
                String[] header = lines.get(i).split(",\\s*");
                String[] values = lines.get(i + 1).split(",\\s*");
                for (int c = 0; c < header.length && c < values.length; c++) {
                    if (header[c].trim().equals("fetch.nMsg.sec")) {
                        return Double.parseDouble(values[c].trim());
                    }
                }
            }
        }
        throw new IllegalStateException("ConsumerPerformance printed no fetch.nMsg.sec: " + lines);
    }

    /**
     * Rows a second HBase takes from one BufferedMutator.
     *
     * @param burst       over {@code rows} written into an empty table after a small warm-up: mostly into the
     *                    memstore, before the server has flushed much of it
     * @param steady      over the next {@code rows}: the server now flushes as fast as it takes writes (global
     *                    memstore pressure, HFile writes with the table's block encoding), as it does in a pipeline
     *                    that runs for minutes. This is the limit a sustained rate compares with.
     * @param hbaseCores  the HBase process's CPU over the steady part, in cores; -1 if the OS did not say
     * @param clientCores this JVM's CPU (the writing client) over the steady part, in cores
     */
    record WriteLimit(double burst, double steady, double hbaseCores, double clientCores) {

        static final WriteLimit NOT_MEASURED = new WriteLimit(0, 0, -1, -1);

        /** HBase's CPU per row written in the steady part, in microseconds; -1 if unknown. */
        double hbaseMicrosPerRow() {
            return microsPerRow(hbaseCores, steady);
        }
    }

    /** CPU microseconds per row of a process that used {@code cores} while {@code rowsPerSecond} were written. */
    static double microsPerRow(double cores, double rowsPerSecond) {
        return cores < 0 || rowsPerSecond <= 0 ? -1 : cores * 1e6 / rowsPerSecond;
    }

    /** The write limits for the job's rows in a copy of tx_enriched's table settings (descriptor and splits). */
    WriteLimit hbaseWrite(long warmupRows, long rows, long bufferBytes) throws IOException {
        Connection hbase = ctx.hbase();
        LayoutCandidate layout = LayoutCandidate.PACKED;
        createCopyOfTxTable(WRITE_TABLE);
        try {
            write(hbase, WRITE_TABLE, layout, 0, warmupRows, bufferBytes);
            double burst = timedWrite(hbase, WRITE_TABLE, layout, warmupRows, rows, bufferBytes);
            long[] pids = pids();
            RungRunner.CpuReading cpuStart = RungRunner.CpuReading.of(pids);
            double steady = timedWrite(hbase, WRITE_TABLE, layout, warmupRows + rows, rows, bufferBytes);
            double[] cores = RungRunner.CpuReading.cores(pids.length, cpuStart, RungRunner.CpuReading.of(pids));
            return new WriteLimit(burst, steady, cores[0], cores[1]);
        } finally {
            dropTable(WRITE_TABLE);
        }
    }

    /**
     * What one row layout costs HBase and the writing client, measured alone.
     *
     * @param rowsPerSecond       the write rate of one BufferedMutator over the measured rows
     * @param hbaseMicrosPerRow   the HBase process's CPU per row; -1 if the OS did not say
     * @param clientMicrosPerRow  this JVM's CPU per row (building the Puts and sending them)
     * @param keyValueBytesPerRow the row's cells as KeyValues (what the WAL and the memstore hold), averaged
     */
    record LayoutCost(
            String layout,
            String description,
            double rowsPerSecond,
            double hbaseMicrosPerRow,
            double clientMicrosPerRow,
            double keyValueBytesPerRow) {}

    /**
     * Each candidate row layout in turn, into a fresh copy of tx_enriched's table (settings and splits): {@code
     * warmupRows} unmeasured, then {@code rows} measured, then the table dropped, so that no layout's flushes or
     * compactions fall into another's measurement.
     */
    List<LayoutCost> rowLayouts(long warmupRows, long rows, long bufferBytes) throws IOException {
        List<LayoutCost> costs = new ArrayList<>();
        Connection hbase = ctx.hbase();
        for (LayoutCandidate layout : LayoutCandidate.values()) {
            createCopyOfTxTable(LAYOUT_TABLE);
            try {
                write(hbase, LAYOUT_TABLE, layout, 0, warmupRows, bufferBytes);
                long[] pids = pids();
                RungRunner.CpuReading cpuStart = RungRunner.CpuReading.of(pids);
                double rate = timedWrite(hbase, LAYOUT_TABLE, layout, warmupRows, rows, bufferBytes);
                double[] cores = RungRunner.CpuReading.cores(pids.length, cpuStart, RungRunner.CpuReading.of(pids));
                costs.add(new LayoutCost(
                        layout.key(),
                        layout.description(),
                        rate,
                        microsPerRow(cores[0], rate),
                        microsPerRow(cores[1], rate),
                        keyValueBytes(layout, 1_000)));
            } finally {
                dropTable(LAYOUT_TABLE);
            }
        }
        return costs;
    }

    private long[] pids() {
        return new long[] {
            ctx.stack().pids().getOrDefault(LocalStack.HBASE, -1L),
            ProcessHandle.current().pid()
        };
    }

    private void createCopyOfTxTable(TableName name) throws IOException {
        try (Admin admin = ctx.hbase().getAdmin()) {
            if (admin.tableExists(name)) {
                admin.disableTable(name);
                admin.deleteTable(name);
            }
            admin.createTable(
                    TableDescriptorBuilder.copy(name, admin.getDescriptor(Schema.TX_ENRICHED.tableName())),
                    Schema.TX_ENRICHED.splitKeys());
        }
    }

    private void dropTable(TableName name) throws IOException {
        try (Admin admin = ctx.hbase().getAdmin()) {
            admin.disableTable(name);
            admin.deleteTable(name);
        }
    }

    private static double timedWrite(
            Connection hbase, TableName table, LayoutCandidate layout, long first, long rows, long bufferBytes)
            throws IOException {
        long start = System.nanoTime();
        write(hbase, table, layout, first, rows, bufferBytes);
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    /** The average KeyValue bytes of the first {@code rows} rows in {@code layout}. */
    private static double keyValueBytes(LayoutCandidate layout, int rows) {
        long bytes = 0;
        RowSource source = new RowSource();
        for (int i = 0; i < rows; i++) {
            bytes += LayoutCandidate.keyValueBytes(source.put(layout, i));
        }
        return bytes / (double) rows;
    }

    private static void write(
            Connection hbase, TableName table, LayoutCandidate layout, long first, long count, long bufferBytes)
            throws IOException {
        RowSource source = new RowSource();
        try (BufferedMutator mutator =
                hbase.getBufferedMutator(new BufferedMutatorParams(table).writeBufferSize(bufferBytes))) {
            for (long i = first; i < first + count; i++) {
                mutator.mutate(source.put(layout, i));
            }
            mutator.flush();
        }
    }

    /** Enriched transactions as the job makes them, from the producer's generator: names of 17 characters. */
    private static final class RowSource {
        private final TransactionGenerator generator =
                new TransactionGenerator(GeneratorConfig.defaults(11).withDimensions(100_000, 10_000));
        private final long now = System.currentTimeMillis();

        /** Row {@code i} in {@code layout}, as the job would write it. */
        Put put(LayoutCandidate layout, long i) {
            TxRow row = EnrichedRows.row(row(i));
            return layout.put(row, EnrichedRows.version(row));
        }

        EnrichedTransaction row(long i) {
            GeneratedRecord r = generator.generate(i);
            Transaction tx = r.transaction();
            Transaction stamped =
                    new Transaction(tx.txId(), tx.personId(), tx.companyId(), tx.amount(), tx.currency(), now);
            return new EnrichedTransaction(
                    stamped, "Holder " + tx.personId(), "Merchant " + tx.companyId(), EnrichStatus.OK, now + 700, now);
        }
    }

    /** Keys a second that batched gets of 1,000 random person rows return, over {@code duration}. */
    double hbaseGet(int persons, Duration duration) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        long keys = 0;
        try (Table table = ctx.hbase().getTable(Schema.PERSON.tableName())) {
            long end = System.nanoTime() + duration.toNanos();
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                List<Get> gets = new ArrayList<>(1000);
                for (int i = 0; i < 1000; i++) {
                    gets.add(new Get(
                            DimensionIds.personId(random.nextInt(persons)).getBytes(StandardCharsets.UTF_8)));
                }
                keys += table.get(gets).length;
            }
            return keys / ((System.nanoTime() - start) / 1e9);
        }
    }
}
