package io.cardstream.bench;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import io.cardstream.core.TransactionCodec;
import io.cardstream.job.EnrichedRows;
import io.cardstream.job.StreamingJob;
import io.cardstream.schema.RowLayout;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.CanCommitOffsets;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark-only code, not a product option: the design most public Kafka → Spark → HBase examples use, run through
 * the same harness as a peer. Per record it does one HBase {@code Get} for the person, one for the company and one
 * {@code Put}, with no cache, no batching and no buffering; invalid records are skipped. It writes the same rows to
 * the same table, so latency is measured the same way.
 */
final class NaiveJob {

    private static final Logger LOG = LoggerFactory.getLogger(NaiveJob.class);

    private final JavaStreamingContext context;
    private boolean stopped;
    private volatile boolean stoppingNow;

    NaiveJob(
            String bootstrapServers,
            String topic,
            String group,
            long intervalMs,
            long maxRatePerPartition,
            long minRate,
            String master,
            Map<String, String> hbaseSettings,
            StreamingListener listener) {
        SparkConf conf = new SparkConf()
                .setAppName("cardstream-naive-bench")
                .setMaster(master)
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.streaming.backpressure.enabled", "true")
                .set("spark.streaming.kafka.maxRatePerPartition", Long.toString(maxRatePerPartition))
                .set("spark.streaming.backpressure.pid.minRate", Long.toString(minRate));
        context = new JavaStreamingContext(conf, Durations.milliseconds(intervalMs));
        context.addStreamingListener(listener);
        Map<String, Object> kafka = new HashMap<>();
        kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        kafka.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        kafka.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        kafka.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        kafka.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream = KafkaUtils.createDirectStream(
                context,
                LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<byte[], byte[]>Subscribe(List.of(topic), kafka));
        Map<String, String> settings = Map.copyOf(hbaseSettings);
        stream.foreachRDD((rdd, time) -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            long batchTime = time.milliseconds();
            try {
                rdd.foreachPartition(records -> new Writer(settings).write(records, batchTime));
            } catch (Exception e) {
                if (stoppingNow) {
                    LOG.info("Batch {} was cut short by the stop ({}); it commits nothing.", batchTime, e.toString());
                    return;
                }
                throw e;
            }
            ((CanCommitOffsets) stream.inputDStream()).commitAsync(ranges);
        });
    }

    void start() {
        context.start();
    }

    /** Stops the job (once; later calls do nothing): gracefully, the running and queued batches finish first. */
    synchronized void stop(boolean gracefully) {
        if (!stopped) {
            stopped = true;
            stoppingNow = !gracefully;
            if (gracefully) {
                context.stop(true, true);
            } else {
                StreamingJob.stopNow(context);
            }
            // local mode: the executors' connection lives in this JVM, and must not outlive the HBase it reaches
            Writer.closeConnection();
        }
    }

    /** One Get, one Get, one Put per record, as the typical examples do; one connection per executor JVM. */
    private static final class Writer implements Serializable {
        private static final long serialVersionUID = 1L;
        private static Connection connection;

        private final Map<String, String> settings;

        Writer(Map<String, String> settings) {
            this.settings = settings;
        }

        private static synchronized Connection connection(Map<String, String> settings) throws IOException {
            if (connection == null || connection.isClosed()) {
                Configuration conf = HBaseConfiguration.create();
                settings.forEach(conf::set);
                connection = ConnectionFactory.createConnection(conf);
            }
            return connection;
        }

        private static synchronized void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    LOG.warn("The naive job's HBase connection did not close cleanly: {}", e.toString());
                }
                connection = null;
            }
        }

        void write(Iterator<ConsumerRecord<byte[], byte[]>> records, long batchTime) {
            TransactionCodec codec = TransactionCodec.create();
            try {
                Connection c = connection(settings);
                try (Table persons = c.getTable(Schema.PERSON.tableName());
                        Table companies = c.getTable(Schema.COMPANY.tableName());
                        Table out = c.getTable(Schema.TX_ENRICHED.tableName())) {
                    while (records.hasNext()) {
                        if (!(codec.decode(records.next().value()) instanceof DecodeResult.Valid valid)) {
                            continue;
                        }
                        Transaction tx = valid.transaction();
                        String person = name(persons.get(new Get(bytes(tx.personId()))), Schema.PERSON);
                        String company = name(companies.get(new Get(bytes(tx.companyId()))), Schema.COMPANY);
                        out.put(EnrichedRows.put(
                                new EnrichedTransaction(
                                        tx,
                                        person,
                                        company,
                                        EnrichStatus.of(person != null, company != null),
                                        System.currentTimeMillis(),
                                        batchTime),
                                RowLayout.DEFAULT));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String name(Result r, TableSpec table) {
            byte[] v = r.getValue(table.familyBytes(), table.column("name").qualifierBytes());
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
