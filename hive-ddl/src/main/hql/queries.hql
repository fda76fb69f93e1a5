-- cardstream: useful queries for Hue (Hive or Impala editor) over the facade of create-tables.hql.
-- Every query here is run by HiveOverHBaseIT against a real HBase, so each one parses and runs on Hive 3.1.
-- Times are epoch milliseconds. Queries on tx_enriched without a row_key predicate scan the whole table:
-- fine for the demo, slow on a big table (see impala.md).

-- Volume per merchant per minute.
SELECT company_name,
       from_unixtime(CAST(event_time DIV 60000 * 60 AS BIGINT), 'yyyy-MM-dd HH:mm') AS minute,
       count(*) AS transactions,
       sum(amount) AS volume
FROM cardstream.tx_enriched
WHERE enrich_status IN ('OK', 'PERSON_MISSING')
GROUP BY company_name, from_unixtime(CAST(event_time DIV 60000 * 60 AS BIGINT), 'yyyy-MM-dd HH:mm')
ORDER BY minute DESC, volume DESC
LIMIT 100;

-- Top spenders.
SELECT person_id, person_name, count(*) AS transactions, sum(amount) AS spent
FROM cardstream.tx_enriched
GROUP BY person_id, person_name
ORDER BY spent DESC
LIMIT 20;

-- Missing-dimension rate: how many stored transactions did not find their person or company.
SELECT enrich_status, count(*) AS transactions,
       round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS share_pct
FROM cardstream.tx_enriched
GROUP BY enrich_status;

-- Batch latency over time, newest first (a scan of the first rows of batch_metrics only).
SELECT from_unixtime(CAST(batch_time DIV 1000 AS BIGINT)) AS batch, records, processing_ms, scheduling_ms,
       latency_p50_ms, latency_p99_ms, latency_max_ms
FROM cardstream.batch_metrics
LIMIT 120;

-- Dead-lettered and missing-dimension counts per batch.
SELECT from_unixtime(CAST(batch_time DIV 1000 AS BIGINT)) AS batch, records, enriched, dead_lettered, missing_dims
FROM cardstream.batch_metrics
WHERE dead_lettered > 0 OR missing_dims > 0
LIMIT 100;

-- One transaction by id: a point lookup on the salted row key.
SELECT * FROM cardstream.tx_enriched
WHERE row_key = concat(lpad(lower(hex(pmod(crc32('5a1f0c2b9e3d-00000000002a'), 16))), 2, '0'), '-',
                       '5a1f0c2b9e3d-00000000002a');

-- Volume per category, joining the merchant dimension.
SELECT c.category, count(*) AS transactions, sum(t.amount) AS volume
FROM cardstream.tx_enriched t JOIN cardstream.company c ON t.company_id = c.row_key
GROUP BY c.category
ORDER BY volume DESC;
