-- cardstream: the Hive facade over the HBase tables (Hue, Impala, Beeline).
-- Run once per metastore: beeline -u jdbc:hive2://<hiveserver2>:10000 -f create-tables.hql
-- Needs the hive-hbase-handler on HiveServer2's classpath and hbase-site.xml (the ZooKeeper quorum) in its conf.
-- EXTERNAL: dropping a table here never touches the HBase data. Every HBase value is a UTF-8 string, so no
-- column needs a binary (#b) mapping; the short qualifiers (d:pn, ...) are mapped to readable names.
-- A test (HiveOverHBaseIT) runs this file unchanged against a real HBase, and HiveDdlMappingTest checks every
-- mapping against the qualifiers in io.cardstream.schema.Schema.

CREATE DATABASE IF NOT EXISTS cardstream
COMMENT 'cardstream: real-time enriched card transactions, stored in HBase';

-- Cardholders. row_key = person_id (P000123456).
CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.person (
  row_key STRING COMMENT 'person id, e.g. P000123456',
  name STRING,
  city STRING
)
COMMENT 'Cardholders (HBase table cardstream:person)'
STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'
WITH SERDEPROPERTIES ('hbase.columns.mapping' = ':key,p:n,p:c')
TBLPROPERTIES ('hbase.table.name' = 'cardstream:person');

-- Merchants. row_key = company_id (C0004242).
CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.company (
  row_key STRING COMMENT 'company id, e.g. C0004242',
  name STRING,
  category STRING
)
COMMENT 'Merchants (HBase table cardstream:company)'
STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'
WITH SERDEPROPERTIES ('hbase.columns.mapping' = ':key,c:n,c:cat')
TBLPROPERTIES ('hbase.table.name' = 'cardstream:company');

-- Enriched transactions, one row per valid transaction, written by the streaming job. HBase holds each row as
-- one JSON cell, d:v (the "packed" row layout: under half the bytes and a quarter of HBase's CPU of one cell a
-- field); the view cardstream.tx_enriched below gives Hue the typed columns. A table made before the layout mark holds one
-- cell a field: run tx-enriched-wide.hql after this file for it (docs/operations.md, "Row layout").
CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.tx_enriched_cells (
  row_key STRING COMMENT '<salt>-<tx_id>',
  v STRING COMMENT 'JSON: every column of cardstream.tx_enriched but row_key and tx_id'
)
COMMENT 'Enriched card transactions as HBase stores them (HBase table cardstream:tx_enriched); query the view'
STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'
WITH SERDEPROPERTIES ('hbase.columns.mapping' = ':key,d:v')
TBLPROPERTIES ('hbase.table.name' = 'cardstream:tx_enriched');

-- The typed view Hue, Beeline and Impala query. It uses only functions Hive (1.x on) and Impala (3.1 on) both
-- have: substr, get_json_object, CAST. row_key = <salt>-<tx_id>, salt = crc32(tx_id) mod 16 as two hex digits. To
-- fetch one transaction by id, filter on the key, which is a point lookup, not a scan:
--   WHERE row_key = concat(lpad(lower(hex(pmod(crc32('<tx_id>'), 16))), 2, '0'), '-', '<tx_id>')
-- Times are epoch milliseconds: from_unixtime(CAST(event_time DIV 1000 AS BIGINT)) shows them as dates.
CREATE VIEW IF NOT EXISTS cardstream.tx_enriched (
  row_key COMMENT '<salt>-<tx_id>',
  tx_id,
  person_id,
  person_name COMMENT 'NULL when the person was not found (enrich_status)',
  company_id,
  company_name COMMENT 'NULL when the company was not found (enrich_status)',
  amount,
  currency COMMENT 'ISO 4217',
  event_time COMMENT 'epoch ms, set by the producer',
  processed_time COMMENT 'epoch ms, when the job enriched it',
  batch_time COMMENT 'epoch ms of the micro-batch',
  enrich_status COMMENT 'OK, PERSON_MISSING, COMPANY_MISSING or BOTH_MISSING'
)
COMMENT 'Enriched card transactions (HBase table cardstream:tx_enriched)'
AS SELECT
  row_key,
  substr(row_key, 4),
  get_json_object(v, '$.person_id'),
  get_json_object(v, '$.person_name'),
  get_json_object(v, '$.company_id'),
  get_json_object(v, '$.company_name'),
  CAST(get_json_object(v, '$.amount') AS DECIMAL(12,2)),
  get_json_object(v, '$.currency'),
  CAST(get_json_object(v, '$.event_time') AS BIGINT),
  CAST(get_json_object(v, '$.processed_time') AS BIGINT),
  CAST(get_json_object(v, '$.batch_time') AS BIGINT),
  get_json_object(v, '$.enrich_status')
FROM cardstream.tx_enriched_cells;

-- One row per micro-batch, newest first: row_key = 9223372036854775807 - batch_time, 19 digits.
CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.batch_metrics (
  row_key STRING COMMENT '19 digits: Long.MAX_VALUE - batch_time (newest first)',
  batch_time BIGINT COMMENT 'epoch ms',
  records BIGINT,
  enriched BIGINT,
  dead_lettered BIGINT,
  missing_dims BIGINT,
  repeated BIGINT COMMENT 'valid transactions whose txId an earlier record of the same partition and batch had',
  processing_ms BIGINT,
  scheduling_ms BIGINT,
  latency_p50_ms BIGINT COMMENT 'event time to stored',
  latency_p99_ms BIGINT,
  latency_max_ms BIGINT,
  amount_sum DECIMAL(18,2),
  top_companies STRING COMMENT 'JSON: the batch''s top 10 companies by amount',
  sample STRING COMMENT 'JSON: the last 20 enriched rows of the batch'
)
COMMENT 'Per-micro-batch metrics (HBase table cardstream:batch_metrics)'
STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'
WITH SERDEPROPERTIES ('hbase.columns.mapping' = ':key,m:bt,m:r,m:e,m:dl,m:md,m:rp,m:pm,m:sm,m:l50,m:l99,m:lmx,m:as,m:tc,m:sa')
TBLPROPERTIES ('hbase.table.name' = 'cardstream:batch_metrics');
