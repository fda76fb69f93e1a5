/**
 * The enrichment core: pure functions on the data contract's records, with no Spark, Kafka, Hadoop or HBase import
 * (an ArchUnit test in the {@code architecture} module keeps it so). Unit tests call it directly.
 */
package io.cardstream.job.enrich;
