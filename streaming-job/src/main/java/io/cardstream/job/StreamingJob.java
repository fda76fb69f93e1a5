package io.cardstream.job;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * The DStream job of DESIGN.md: a direct Kafka stream cut into micro-batches; per partition, decode, dead-letter,
 * enrich from HBase and write ({@link PartitionProcessor}); then, and only after every partition succeeded, commit
 * the batch's offsets and hand its summary to the metrics listener. The first failed batch stops all progress:
 * later batches neither run nor commit, so a restart resumes at the failed batch and nothing is lost. After a
 * graceful stop the last batch's offsets are committed synchronously (the direct stream's asynchronous commit
 * would otherwise only happen at the next batch).
 */
public final class StreamingJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
    static final int TOP_COMPANIES = 10;

    private final JobConfig config;
    private final AtomicReference<OffsetRange[]> lastProcessed = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private JavaStreamingContext context;
    private Connection driverHBase;
    private boolean stopped;
    private final List<StreamingListener> extraListeners = new ArrayList<>();

    public StreamingJob(JobConfig config) {
        this.config = config;
    }

    /** Adds a Spark streaming listener (a benchmark's, a monitor's) to the context {@link #start()} creates. */
    public synchronized void addListener(StreamingListener listener) {
        if (context != null) {
            throw new IllegalStateException("Listeners must be added before the job starts.");
        }
        extraListeners.add(listener);
    }

    /** The Spark configuration of the job; settings given to spark-submit (or as spark.* properties) win. */
    static SparkConf sparkConf(JobConfig config) {
        SparkConf conf = new SparkConf().setAppName("cardstream")
                .setIfMissing("spark.master", config.master())
                .setIfMissing("spark.streaming.backpressure.enabled", Boolean.toString(config.backpressure()))
                .setIfMissing("spark.streaming.stopGracefullyOnShutdown", "true");
        if (config.maxRatePerPartition() > 0) {
            conf.setIfMissing("spark.streaming.kafka.maxRatePerPartition", Long.toString(config.maxRatePerPartition()));
        }
        if (config.initialRate() > 0) {
            conf.setIfMissing("spark.streaming.backpressure.initialRate", Long.toString(config.initialRate()));
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startingOffsets());
        return props;
    }

    /**
     * Builds the graph and starts it; returns at once. Fails first, naming the setting, when a topic or table the
     * job needs does not exist (the job creates neither).
     */
    public synchronized void start() throws IOException {
        driverHBase = ConnectionFactory.createConnection(ExecutorResources.hbaseConfiguration(config));
        try {
            checkTopicsAndTables();
        } catch (RuntimeException | IOException e) {
            driverHBase.close();
            throw e;
        }
        BatchListener listener = new BatchListener(driverHBase, TableName.valueOf(config.metricsTable()),
                config.batchIntervalMs());
        context = new JavaStreamingContext(sparkConf(config), Durations.milliseconds(config.batchIntervalMs()));
        context.addStreamingListener(listener);
        extraListeners.forEach(context::addStreamingListener);
        JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream = KafkaUtils.createDirectStream(context,
                LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<byte[], byte[]>Subscribe(List.of(config.topic()), consumerProperties()));
        stream.foreachRDD((rdd, time) -> {
            if (failure.get() != null) {
                throw new IllegalStateException("An earlier batch failed; batch " + time.milliseconds()
                        + " is neither processed nor committed.");
            }
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            try {
                List<PartitionResult> results = rdd.mapPartitions(new PartitionProcessor(config,
                        time.milliseconds())).collect();
                BatchSummary summary = BatchSummary.merge(time.milliseconds(), results, TOP_COMPANIES,
                        PartitionProcessor.SAMPLE);
                ((CanCommitOffsets) stream.inputDStream()).commitAsync(ranges, (offsets, error) -> {
                    if (error != null) {
                        LOG.warn("Committing offsets of batch {} failed ({}); the next commit covers them.",
                                time.milliseconds(), error.toString());
                    }
                });
                lastProcessed.set(ranges);
                listener.offer(summary);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                LOG.error("Batch {} failed; nothing of it is committed and the job stops: {}", time.milliseconds(),
                        e.toString());
                throw e;
            }
        });
        context.start();
        LOG.info("The job started: topic {}, group {}, {} ms batches, master {}.", config.topic(), config.groupId(),
                config.batchIntervalMs(), context.sparkContext().master());
    }

    private void checkTopicsAndTables() throws IOException {
        Map<String, Object> props = new HashMap<>(consumerProperties());
        props.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin kafka = Admin.create(props)) {
            Set<String> topics = kafka.listTopics().names().get(60, TimeUnit.SECONDS);
            for (String[] t : new String[][] {{"topic", config.topic()}, {"dlq-topic", config.deadLetterTopic()}}) {
                if (!topics.contains(t[1])) {
                    throw new IllegalStateException("Invalid setting " + t[0] + ": the topic " + t[1]
                            + " does not exist at " + config.bootstrapServers() + "; create it first.");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Invalid setting bootstrap-servers: Kafka at " + config.bootstrapServers()
                    + " did not answer within 60 s (" + e + ").", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics.", e);
        }
        try (org.apache.hadoop.hbase.client.Admin hbase = driverHBase.getAdmin()) {
            for (String[] t : new String[][] {{"person-table", config.personTable()},
                {"company-table", config.companyTable()}, {"tx-table", config.txTable()},
                {"metrics-table", config.metricsTable()}}) {
                if (!hbase.tableExists(TableName.valueOf(t[1]))) {
                    throw new IllegalStateException("Invalid setting " + t[0] + ": the HBase table " + t[1]
                            + " does not exist; run bin/cardstream schema create first.");
                }
            }
        }
    }

    /** The address of Spark's web UI (its Streaming tab shows every batch), when the UI is enabled. */
    public synchronized Optional<String> uiUrl() {
        if (context == null) {
            return Optional.empty();
        }
        scala.Option<String> url = context.sparkContext().sc().uiWebUrl();
        return url.isDefined() ? Optional.of(url.get()) : Optional.empty();
    }

    /** Waits until the job stops; throws the failure of a batch that failed. */
    public void awaitTermination() throws InterruptedException {
        context.awaitTermination();
    }

    /** The first batch failure, if any. */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Stops the job. Gracefully: the running and queued batches finish and the last one's offsets are committed.
     * Otherwise: stop now; the next start resumes from the last commit.
     */
    public synchronized void stop(boolean gracefully) {
        if (stopped || context == null) {
            return;
        }
        stopped = true;
        LOG.info("Stopping the job {}.", gracefully ? "gracefully (running batches finish and commit)" : "now");
        context.stop(true, gracefully);
        if (gracefully && failure.get() == null) {
            commitLastBatch();
        }
        try {
            driverHBase.close();
        } catch (IOException e) {
            LOG.warn("Closing the driver's HBase connection failed: {}", e.toString());
        }
        LOG.info("The job stopped.");
    }

    @Override
    public void close() {
        stop(true);
    }

    private void commitLastBatch() {
        OffsetRange[] ranges = lastProcessed.get();
        if (ranges == null) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (OffsetRange r : ranges) {
            offsets.put(r.topicPartition(), new OffsetAndMetadata(r.untilOffset()));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            consumer.commitSync(offsets, Duration.ofSeconds(30));
            LOG.info("Committed the last batch's offsets: {}.", offsets);
        } catch (RuntimeException e) {
            LOG.warn("The last batch's offsets could not be committed ({}); its records will be read again and"
                    + " rewritten (idempotently) at the next start.", e.toString());
        }
    }
}
