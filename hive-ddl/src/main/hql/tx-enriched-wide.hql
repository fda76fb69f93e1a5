-- cardstream: the Hive facade of a tx_enriched table in the wide row layout (one HBase cell a field), the layout of
-- every table made before the layout mark. Run it after create-tables.hql, for such a table only:
--   beeline -u jdbc:hive2://<hiveserver2>:10000 -f create-tables.hql -f tx-enriched-wide.hql
-- It replaces the packed layout's view by a table of the same name, columns and types, so queries.hql and every
-- query a user saved run unchanged. HiveOverHBaseIT runs queries.hql over both and expects the same answers.
-- The job writing such a table runs with --row-layout wide (docs/operations.md, "Row layout").

DROP VIEW IF EXISTS cardstream.tx_enriched;

DROP TABLE IF EXISTS cardstream.tx_enriched_cells;

CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.tx_enriched (
  row_key STRING COMMENT '<salt>-<tx_id>',
  tx_id STRING,
  person_id STRING,
  person_name STRING COMMENT 'NULL when the person was not found (enrich_status)',
  company_id STRING,
  company_name STRING COMMENT 'NULL when the company was not found (enrich_status)',
  amount DECIMAL(12,2),
  currency STRING COMMENT 'ISO 4217',
  event_time BIGINT COMMENT 'epoch ms, set by the producer',
  processed_time BIGINT COMMENT 'epoch ms, when the job enriched it',
  batch_time BIGINT COMMENT 'epoch ms of the micro-batch',
  enrich_status STRING COMMENT 'OK, PERSON_MISSING, COMPANY_MISSING or BOTH_MISSING'
)
COMMENT 'Enriched card transactions, wide row layout (HBase table cardstream:tx_enriched)'
STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'
WITH SERDEPROPERTIES ('hbase.columns.mapping' = ':key,d:t,d:pi,d:pn,d:ci,d:cn,d:a,d:cu,d:et,d:pt,d:bt,d:s')
TBLPROPERTIES ('hbase.table.name' = 'cardstream:tx_enriched');
