package io.cardstream.job;

import io.cardstream.schema.HBaseConnections;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.Partition;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.DirectKafkaInputDStream;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The DStream job of DESIGN.md: a direct Kafka stream cut into micro-batches; per partition, decode, dead-letter,
 * enrich from HBase, write, and commit the partition's offsets in one Kafka transaction with its dead letters
 * ({@link PartitionProcessor}); then hand the batch's summary to the metrics listener. The first failed batch stops
 * all progress: later batches neither run nor commit, so a restart resumes where each partition last committed and
 * nothing is lost or repeated. A graceful stop lets running batches finish, and so commit, as long as they do finish:
 * one that sees no batch finish for {@code stop-stall-seconds} (a batch waits on a Kafka or HBase that is down)
 * stops now instead.
 */
public final class StreamingJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    private final JobConfig config;
    private final JobState state = new JobState();
    private JavaStreamingContext context;
    private Connection driverHBase;
    private boolean stopped;

    private DirectKafkaInputDStream<byte[], byte[]> kafkaStream;
    private final List<StreamingListener> extraListeners = new ArrayList<>();
    private final List<Consumer<BatchSummary>> summaryObservers = new CopyOnWriteArrayList<>();

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

    /**
     * Adds an observer (a benchmark's) of every processed batch's summary, called on the driver once its partitions
     * have committed, before Spark reports the batch complete.
     */
    public void addSummaryObserver(Consumer<BatchSummary> observer) {
        summaryObservers.add(observer);
    }

    /** The Spark configuration of the job; settings given to spark-submit (or as spark.* properties) win. */
    static SparkConf sparkConf(JobConfig config) {
        SparkConf conf = new SparkConf();
        checkSparkSettings(conf);
        // spark-submit --name sets spark.app.name, which wins
        conf.setIfMissing("spark.app.name", "cardstream")
                .setIfMissing("spark.master", config.master())
                .setIfMissing("spark.streaming.backpressure.enabled", Boolean.toString(config.backpressure()))
                .setIfMissing("spark.streaming.stopGracefullyOnShutdown", "true")
                // the UI's kill links take a plain GET: whoever reaches the port could stop a batch, and the job
                .setIfMissing("spark.ui.killEnabled", "false");
        if (config.maxRatePerPartition() > 0) {
            conf.setIfMissing("spark.streaming.kafka.maxRatePerPartition", Long.toString(config.maxRatePerPartition()));
        }
        if (config.initialRate() > 0) {
            conf.setIfMissing("spark.streaming.backpressure.initialRate", Long.toString(config.initialRate()));
        }
        if (config.minRate() > 0) {
            conf.setIfMissing("spark.streaming.backpressure.pid.minRate", Long.toString(config.minRate()));
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /**
     * Refuses Spark settings that would break the job's guarantee: batches running at once could commit a later
     * range before an earlier one had failed.
     */
    static void checkSparkSettings(SparkConf conf) {
        String concurrent = conf.get("spark.streaming.concurrentJobs", "1").trim();
        if (!concurrent.equals("1")) {
            throw new IllegalArgumentException("Invalid setting spark.streaming.concurrentJobs: it must be 1 (the"
                    + " default); with batches running at once, a later batch could commit its offsets while an"
                    + " earlier one fails, and that one's records would never be stored; got '" + concurrent + "'.");
        }
        for (Tuple2<String, String> setting : conf.getAllWithPrefix("spark.kafka.clusters.")) {
            if (setting._1().endsWith(".sasl.token.mechanism")) {
                KafkaDelegationTokens.checkMechanism(
                        setting._1().replaceFirst("\\.sasl\\.token\\.mechanism$", ""), setting._2());
            }
        }
    }

    Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.startingOffsets());
        // ranges end at the last stable offset: no record of an open transaction is counted, none aborted is stored
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /**
     * Builds the graph and starts it; returns at once. Fails first, naming the setting, when a topic or table the
     * job needs does not exist (the job creates neither).
     */
    public synchronized void start() throws IOException {
        SparkConf sparkConf = sparkConf(config);
        if (config.readsUncommitted()) {
            LOG.warn(
                    "kafka-prop isolation.level=read_uncommitted: records of open and aborted transactions on {} are"
                            + " read, and aborted ones are stored as if they had been committed.",
                    config.topic());
        }
        driverHBase = HBaseConnections.open(ExecutorResources.hbaseConfiguration(config));
        try {
            new Preflight(config, consumerProperties(), driverHBase).check();
        } catch (RuntimeException | IOException e) {
            driverHBase.close();
            throw e;
        }
        JobMetricsSource metrics = new JobMetricsSource();
        BatchListener listener = new BatchListener(
                driverHBase, TableName.valueOf(config.metricsTable()), config.batchIntervalMs(), metrics);
        context = new JavaStreamingContext(sparkConf, Durations.milliseconds(config.batchIntervalMs()));
        SparkEnv.get().metricsSystem().registerSource(metrics);
        context.addStreamingListener(listener);
        context.sparkContext().sc().addSparkListener(new AttemptListener());
        extraListeners.forEach(context::addStreamingListener);
        JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream = KafkaUtils.createDirectStream(
                context,
                LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<byte[], byte[]>Subscribe(List.of(config.topic()), consumerProperties()));
        kafkaStream = (DirectKafkaInputDStream<byte[], byte[]>) stream.inputDStream();
        state.batchFinished(); // the stall watches count from the start, not from the job's construction
        // the tasks read their ranges themselves (RangeReader), not through the Kafka RDD: Spark's reader fails on
        // ranges that end on a transaction marker. Each partition commits its own offsets with its dead letters.
        BatchProtocol batches = new BatchProtocol(
                batchTime -> new PartitionProcessor(config, batchTime), new Ledger(listener), state, config.topic());
        stream.foreachRDD((rdd, time) -> {
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            batches.run(placedAsKafkaRdd(rdd.rdd(), ranges), ranges, time.milliseconds());
        });
        context.start();
        daemon("cardstream-kafka-watch", this::watchKafka);
        LOG.info(
                "The job started: topic {}, group {}, {} ms batches, master {}, Spark UI {}.",
                config.topic(),
                config.groupId(),
                config.batchIntervalMs(),
                context.sparkContext().master(),
                uiUrl().orElse("off"));
    }

    /**
     * While the job runs: when no batch has finished for two intervals and a few seconds, asks Kafka for its brokers
     * every second; when it has not answered for {@code kafka-timeout-seconds}, fails the job naming the brokers, so
     * a job cut off from Kafka does not wait for ever in a batch's generation (the dashboard shows the stall from its
     * first seconds: no new batch).
     */
    private void watchKafka() {
        Map<String, Object> props = new HashMap<>(consumerProperties());
        props.keySet().retainAll(AdminClientConfig.configNames());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(2 * config.batchIntervalMs() + 5_000);
        long timeoutNanos = TimeUnit.SECONDS.toNanos(config.kafkaTimeoutSeconds());
        try (Admin kafka = Admin.create(props)) {
            long lastAnswer = System.nanoTime();
            while (!stopping()) {
                TimeUnit.SECONDS.sleep(1);
                long now = System.nanoTime();
                if (now - state.lastBatchFinished() < stallNanos) {
                    lastAnswer = now;
                    continue;
                }
                try {
                    kafka.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    lastAnswer = System.nanoTime();
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    if (System.nanoTime() - lastAnswer > timeoutNanos) {
                        failForKafka(e);
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("The watch on Kafka's brokers ended: {}", e.toString());
        }
    }

    private void failForKafka(Exception cause) {
        IllegalStateException e = new IllegalStateException(
                "Kafka at " + config.bootstrapServers() + " could not be"
                        + " reached for " + config.kafkaTimeoutSeconds()
                        + " s (kafka-timeout-seconds) and no batch finished"
                        + " meanwhile; the job stops. Nothing after the last committed offsets was committed: a restart"
                        + " resumes there. Last error: " + cause,
                cause);
        if (state.fail(e)) {
            LOG.error(e.getMessage());
            stop(false);
        }
    }

    /**
     * The batch's ranges, one to a partition, each preferring the executor the Kafka RDD would have put it on (the
     * direct stream's consistent placement): a partition stays on one executor from batch to batch, and so do its
     * reader and its dead-letter producer, which another executor's would otherwise fence at every move.
     */
    @SuppressWarnings({"rawtypes", "unchecked"}) // the Seq types differ: Scala 2.12's collection.Seq, 2.13's immutable
    private static JavaRDD<OffsetRange> placedAsKafkaRdd(RDD<?> kafkaRdd, OffsetRange[] ranges) {
        Partition[] partitions = kafkaRdd.partitions();
        List placed = new ArrayList<>(ranges.length);
        for (int i = 0; i < ranges.length; i++) {
            placed.add(new Tuple2<>(ranges[i], kafkaRdd.preferredLocations(partitions[i])));
        }
        ClassTag<OffsetRange> tag = ClassTag$.MODULE$.apply(OffsetRange.class);
        return new JavaRDD<>(
                kafkaRdd.context().makeRDD(JavaConverters.asScalaBuffer(placed).toSeq(), tag), tag);
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

    /**
     * Waits until the job stops or {@code millis} pass; throws the failure of a batch that failed.
     *
     * @return whether the job has stopped
     */
    public boolean awaitTerminationOrTimeout(long millis) throws InterruptedException {
        return context.awaitTerminationOrTimeout(millis);
    }

    /** The first batch failure, if any. */
    public Throwable failure() {
        return state.failure();
    }

    /**
     * Stops the job. Gracefully: the running and queued batches finish and the last one's offsets are committed; but
     * when no batch has finished for {@code stop-stall-seconds} (one waits on a Kafka or HBase that is down), the
     * stop gives up on them and stops now. Now: no further batch starts, the running batch's tasks get
     * {@link JobStopper#TASKS_FINISH} to end (each commits its whole partition or nothing), and the next start resumes from
     * the last commit.
     */
    public synchronized void stop(boolean gracefully) {
        if (stopped || context == null) {
            return;
        }
        stopped = true;
        LOG.info("Stopping the job {}.", gracefully ? "gracefully (running batches finish and commit)" : "now");
        boolean local = context.sparkContext().isLocal();
        JobStopper stopper = new JobStopper(
                context,
                state,
                config.stopStallSeconds(),
                () -> kafkaStream.consumer().wakeup());
        if (gracefully) {
            stopper.stopGracefully();
        } else {
            stopper.stopNow();
        }
        if (local) {
            // the executor ran in this JVM and has stopped with the context
            ExecutorResources.closeInThisJvm();
        }
        try {
            driverHBase.close();
        } catch (IOException e) {
            LOG.warn("Closing the driver's HBase connection failed: {}", e.toString());
        }
        LOG.info("The job stopped.");
    }

    /** Whether a stop has begun: a streaming error from then on is the stop's doing, not a fault. */
    public synchronized boolean stopping() {
        return stopped;
    }

    static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops a streaming context and its Spark context without waiting for queued batches, but lets the running
     * batch's tasks finish first (at most {@link JobStopper#TASKS_FINISH}).
     */
    public static void stopNow(JavaStreamingContext context) {
        JobStopper.stopNow(context);
    }

    /**
     * The job's ledger: a completed batch's summary goes to the metrics listener and the observers; a failed batch's
     * committed partitions are read from the group's stable committed offsets.
     */
    private final class Ledger implements BatchProtocol.Ledger {
        private final BatchListener listener;

        Ledger(BatchListener listener) {
            this.listener = listener;
        }

        @Override
        public void record(BatchSummary summary) {
            listener.offer(summary);
            summaryObservers.forEach(observer -> observer.accept(summary));
        }

        @Override
        public void recordFailed(BatchSummary summary) {
            listener.writeFailed(summary);
        }

        @Override
        public Map<Integer, String> committedPast(OffsetRange[] ranges) throws Exception {
            Map<String, Object> props = new HashMap<>(consumerProperties());
            props.keySet().retainAll(AdminClientConfig.configNames());
            try (Admin kafka = Admin.create(props)) {
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(
                                config.groupId(), new ListConsumerGroupOffsetsOptions().requireStable(true))
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                Map<Integer, String> past = new HashMap<>();
                for (OffsetRange range : ranges) {
                    OffsetAndMetadata at = committed.get(range.topicPartition());
                    if (at != null && at.offset() >= range.untilOffset()) {
                        past.put(range.partition(), at.metadata());
                    }
                }
                return past;
            } catch (KafkaException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
