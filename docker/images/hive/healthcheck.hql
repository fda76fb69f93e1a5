-- The healthcheck's statement: HiveServer2 answers over JDBC and its metastore lists the databases.
SHOW DATABASES;
