package io.cardstream.schema;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The four tables of the {@code cardstream} namespace (DESIGN.md, "HBase schema"). All values are UTF-8 strings, so
 * Hive and Impala read them without binary mappings; qualifiers are short because every cell repeats its own.
 */
public final class Schema {

    public static final String NAMESPACE = "cardstream";

    /** Cardholders: row key = personId. */
    public static final TableSpec PERSON = new TableSpec(
            "person",
            "p",
            true,
            List.of(new Column("name", "n", "STRING"), new Column("city", "c", "STRING")),
            List.of(),
            "personId, e.g. P000123456");

    /** Merchants: row key = companyId. */
    public static final TableSpec COMPANY = new TableSpec(
            "company",
            "c",
            true,
            List.of(new Column("name", "n", "STRING"), new Column("category", "cat", "STRING")),
            List.of(),
            "companyId, e.g. C0004242");

    /** Enriched transactions: row key = salt-txId, pre-split on the 16 salts. */
    public static final TableSpec TX_ENRICHED = new TableSpec(
            "tx_enriched",
            "d",
            false,
            List.of(
                    new Column("tx_id", "t", "STRING"),
                    new Column("person_id", "pi", "STRING"),
                    new Column("person_name", "pn", "STRING"),
                    new Column("company_id", "ci", "STRING"),
                    new Column("company_name", "cn", "STRING"),
                    new Column("amount", "a", "DECIMAL(12,2)"),
                    new Column("currency", "cu", "STRING"),
                    new Column("event_time", "et", "BIGINT"),
                    new Column("processed_time", "pt", "BIGINT"),
                    new Column("batch_time", "bt", "BIGINT"),
                    new Column("enrich_status", "s", "STRING")),
            IntStream.range(1, RowKeys.SALTS)
                    .mapToObj(i -> String.format("%02x", i))
                    .toList(),
            "<salt>-<txId>; salt = crc32(txId) mod 16 as two hex digits");

    /** One row per micro-batch: row key = Long.MAX_VALUE - batchTimeMs, 19 digits, newest first. */
    public static final TableSpec BATCH_METRICS = new TableSpec(
            "batch_metrics",
            "m",
            false,
            List.of(
                    new Column("batch_time", "bt", "BIGINT"),
                    new Column("records", "r", "BIGINT"),
                    new Column("enriched", "e", "BIGINT"),
                    new Column("dead_lettered", "dl", "BIGINT"),
                    new Column("missing_dims", "md", "BIGINT"),
                    new Column("repeated", "rp", "BIGINT"),
                    new Column("processing_ms", "pm", "BIGINT"),
                    new Column("scheduling_ms", "sm", "BIGINT"),
                    new Column("latency_p50_ms", "l50", "BIGINT"),
                    new Column("latency_p99_ms", "l99", "BIGINT"),
                    new Column("latency_max_ms", "lmx", "BIGINT"),
                    new Column("amount_sum", "as", "DECIMAL(18,2)"),
                    new Column("top_companies", "tc", "STRING"),
                    new Column("sample", "sa", "STRING")),
            List.of(),
            "Long.MAX_VALUE - batchTimeMs, zero-padded to 19 digits (newest first)");

    public static final List<TableSpec> TABLES = List.of(PERSON, COMPANY, TX_ENRICHED, BATCH_METRICS);

    private Schema() {}
}
