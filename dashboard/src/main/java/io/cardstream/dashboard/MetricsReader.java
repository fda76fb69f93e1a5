package io.cardstream.dashboard;

import io.cardstream.schema.MetricsJson;
import io.cardstream.schema.RowKeys;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * Everything the dashboard shows, read from HBase: the newest {@code batch_metrics} rows (their keys sort newest
 * first, so "the last N batches" is a short scan from the table's start), merchant totals summed from the batches'
 * top-merchant lists, and the newest batch's sample fetched back from {@code tx_enriched} by row key, so the live
 * table shows what is really stored. Thread-safe; the connection belongs to the caller.
 */
public final class MetricsReader {

    private static final TableSpec M = Schema.BATCH_METRICS;
    private static final TableSpec TX = Schema.TX_ENRICHED;
    /** Batches searched for a non-empty sample (an idle batch has none). */
    private static final int SAMPLE_SEARCH = 10;

    private final Connection connection;
    private final TableName metricsTable;
    private final TableName txTable;

    /** The most rows one request reads. */
    public static final int MAX_ROWS = 1_000;

    /** The longest one request reads, in milliseconds; one that would read longer answers 503. */
    public static final long MAX_READ_MILLIS = 5_000;

    private final int maxRows;

    public MetricsReader(Connection connection, TableName metricsTable, TableName txTable) {
        this(connection, metricsTable, txTable, MAX_ROWS);
    }

    /** A reader that reads at most {@code maxRows} rows a request (tests use a small one). */
    MetricsReader(Connection connection, TableName metricsTable, TableName txTable, int maxRows) {
        this.connection = connection;
        this.metricsTable = metricsTable;
        this.txTable = txTable;
        this.maxRows = maxRows;
    }

    /** The newest {@code n} batches, newest first. */
    public List<BatchRow> latest(int n) throws IOException {
        List<BatchRow> rows = new ArrayList<>(n);
        for (Result r : scanMetrics(n)) {
            rows.add(BatchRow.of(r));
        }
        return rows;
    }

    /**
     * The {@code limit} merchants with the largest amounts over the batches since {@code sinceMs}, from each
     * batch's top-merchant list (so a merchant outside a batch's top list is not counted for that batch), over the
     * newest {@link #MAX_ROWS} batches of the window at most (16 minutes of 1 s batches): a request reads a bounded
     * number of rows, for at most {@link #MAX_READ_MILLIS}.
     */
    public List<MerchantTotal> topMerchants(long sinceMs, int limit) throws IOException {
        Map<String, MerchantTotal> totals = new LinkedHashMap<>();
        // only the top-merchant column, a row at a time: an hour of batches is thousands of rows, each with a sample
        Scan scan = new Scan()
                .addColumn(M.familyBytes(), M.column("top_companies").qualifierBytes())
                .setCaching(Math.min(maxRows, 500))
                .setLimit(maxRows)
                .withStopRow(RowKeys.batchMetrics(sinceMs).getBytes(StandardCharsets.UTF_8), true);
        long deadline = System.nanoTime() + MAX_READ_MILLIS * 1_000_000L;
        try (Table table = connection.getTable(metricsTable);
                ResultScanner scanner = table.getScanner(scan)) {
            for (Result r : scanner) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Reading the top merchants took longer than " + MAX_READ_MILLIS + " ms.");
                }
                for (MetricsJson.Company c : companies(BatchRow.text(r, "top_companies", "[]"))) {
                    String id = c.companyId() == null ? "" : c.companyId();
                    BigDecimal amount = decimal(c.amount() == null ? "0" : c.amount());
                    totals.merge(
                            id,
                            new MerchantTotal(id, c.name(), amount, c.transactions()),
                            (a, b) -> a.plus(b.amount(), b.transactions()));
                }
            }
        }
        return totals.values().stream()
                .sorted(Comparator.comparing(MerchantTotal::amount).reversed().thenComparing(MerchantTotal::companyId))
                .limit(limit)
                .toList();
    }

    /** Up to {@code n} of the newest stored transactions (the newest batch's sample), newest first. */
    public List<RecentTransaction> recent(int n) throws IOException {
        List<String> txIds = new ArrayList<>();
        for (Result r : scanMetrics(SAMPLE_SEARCH)) {
            List<MetricsJson.SampleTx> sample = sample(BatchRow.text(r, "sample", "[]"));
            if (!sample.isEmpty()) {
                for (int i = sample.size() - 1; i >= 0 && txIds.size() < n; i--) {
                    txIds.add(sample.get(i).txId());
                }
                break;
            }
        }
        if (txIds.isEmpty()) {
            return List.of();
        }
        List<Get> gets = txIds.stream()
                .map(id -> new Get(RowKeys.txEnriched(id).getBytes(StandardCharsets.UTF_8)).addFamily(TX.familyBytes()))
                .toList();
        List<RecentTransaction> rows = new ArrayList<>(gets.size());
        try (Table table = connection.getTable(txTable)) {
            for (Result r : table.get(gets)) {
                if (!r.isEmpty()) {
                    rows.add(RecentTransaction.of(r));
                }
            }
        }
        return rows;
    }

    /** UP when HBase answers and both tables exist; the newest batch's age tells a stalled job. */
    public Health health(long nowMs) {
        Map<String, Boolean> tables = new LinkedHashMap<>();
        try (Admin admin = connection.getAdmin()) {
            for (TableName t : List.of(metricsTable, txTable)) {
                tables.put(t.getNameAsString(), admin.tableExists(t));
            }
        } catch (IOException e) {
            return new Health("DOWN", "HBase did not answer: " + e.getClass().getSimpleName(), tables, 0, -1);
        }
        List<String> missing = tables.entrySet().stream()
                .filter(e -> !e.getValue())
                .map(Map.Entry::getKey)
                .toList();
        if (!missing.isEmpty()) {
            return new Health(
                    "DOWN",
                    "Missing table(s) " + String.join(", ", missing)
                            + ": create the schema with 'bin/cardstream schema create'.",
                    tables,
                    0,
                    -1);
        }
        try {
            List<BatchRow> newest = latest(1);
            long last = newest.isEmpty() ? 0 : newest.get(0).batchTime();
            return new Health("UP", null, tables, last, last == 0 ? -1 : Math.max(0, nowMs - last));
        } catch (IOException e) {
            return new Health(
                    "DOWN",
                    "Reading " + metricsTable + " failed: " + e.getClass().getSimpleName(),
                    tables,
                    0,
                    -1);
        }
    }

    /** Up to {@code limit} metrics rows from the newest, and never more than the request bound. */
    private List<Result> scanMetrics(int wanted) throws IOException {
        int limit = Math.min(wanted, maxRows);
        Scan scan = new Scan()
                .addFamily(M.familyBytes())
                .setCaching(Math.min(limit, 500))
                .setLimit(limit);
        List<Result> results = new ArrayList<>();
        try (Table table = connection.getTable(metricsTable);
                ResultScanner scanner = table.getScanner(scan)) {
            for (Result r : scanner) {
                results.add(r);
            }
        }
        return results;
    }

    /** A batch's top companies; a value that is not a JSON array (a row of another writer) reads as none. */
    private static List<MetricsJson.Company> companies(String text) {
        try {
            return MetricsJson.readCompanies(text);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** A batch's sample; a value that is not a JSON array reads as none. */
    private static List<MetricsJson.SampleTx> sample(String text) {
        try {
            return MetricsJson.readSample(text);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static BigDecimal decimal(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
