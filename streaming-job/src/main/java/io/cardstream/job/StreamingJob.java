package io.cardstream.job;

import io.cardstream.core.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.Partition;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
import scala.collection.Seq;
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
    static final int TOP_COMPANIES = 10;
    /** How long a stop that does not wait for the running batch still lets its tasks finish. */
    static final Duration TASKS_FINISH = Duration.ofSeconds(10);
    /** How often a stop that waits on a stuck Kafka consumer wakes it up. */
    private static final Duration WAKE_UP_EVERY = Duration.ofMillis(200);
    /** Spark's job property that makes cancelling a job interrupt its tasks' threads. */
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

    private final JobConfig config;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private JavaStreamingContext context;
    private Connection driverHBase;
    private boolean stopped;
    /** Set by a stop that does not wait for the running batch: that batch's failure is the stop, not a fault. */
    private volatile boolean stoppingNow;
    /** {@link System#nanoTime()} when the last batch finished (or the job started): a stop's sign of progress. */
    private volatile long lastBatchFinished;

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
        SparkConf conf = new SparkConf().setAppName("cardstream");
        checkSparkSettings(conf);
        conf.setIfMissing("spark.master", config.master())
                .setIfMissing("spark.streaming.backpressure.enabled", Boolean.toString(config.backpressure()))
                .setIfMissing("spark.streaming.stopGracefullyOnShutdown", "true");
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
        driverHBase = ConnectionFactory.createConnection(ExecutorResources.hbaseConfiguration(config));
        try {
            checkTopicsAndTables();
        } catch (RuntimeException | IOException e) {
            driverHBase.close();
            throw e;
        }
        BatchListener listener =
                new BatchListener(driverHBase, TableName.valueOf(config.metricsTable()), config.batchIntervalMs());
        context = new JavaStreamingContext(sparkConf, Durations.milliseconds(config.batchIntervalMs()));
        context.addStreamingListener(listener);
        context.sparkContext().sc().addSparkListener(new AttemptListener());
        extraListeners.forEach(context::addStreamingListener);
        JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream = KafkaUtils.createDirectStream(
                context,
                LocationStrategies.PreferConsistent(),
                ConsumerStrategies.<byte[], byte[]>Subscribe(List.of(config.topic()), consumerProperties()));
        kafkaStream = (DirectKafkaInputDStream<byte[], byte[]>) stream.inputDStream();
        lastBatchFinished = System.nanoTime();
        stream.foreachRDD((rdd, time) -> {
            if (stoppingNow) {
                // a stop that gave up waiting: a batch after the cut-short one must not commit past it
                LOG.info(
                        "Batch {} is not processed: the job is stopping now; its records are read again on the next"
                                + " start.",
                        time.milliseconds());
                return;
            }
            if (failure.get() != null) {
                throw new IllegalStateException("An earlier batch failed; batch " + time.milliseconds()
                        + " is neither processed nor committed.");
            }
            OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
            if (ranges.length == 0) {
                return;
            }
            try {
                // a stop that gives up on a stuck batch cancels it; its tasks' Kafka and HBase calls then end at once
                rdd.context().setLocalProperty(INTERRUPT_ON_CANCEL, "true");
                // the tasks read their ranges themselves (RangeReader), not through the Kafka RDD: Spark's reader
                // fails on ranges that end on a transaction marker. Each partition commits its own offsets with its
                // dead letters (PartitionProcessor).
                List<PartitionResult> results = placedAsKafkaRdd(rdd.rdd(), ranges)
                        .mapPartitions(new PartitionProcessor(config, time.milliseconds()))
                        .collect();
                BatchSummary summary =
                        BatchSummary.merge(time.milliseconds(), results, TOP_COMPANIES, PartitionProcessor.SAMPLE);
                listener.offer(summary);
                summaryObservers.forEach(observer -> observer.accept(summary));
                lastBatchFinished = System.nanoTime();
            } catch (Exception e) {
                if (stoppingNow) {
                    // nothing after it runs; its partitions that had not committed are read again on the next start
                    LOG.info(
                            "Batch {} was cut short by the stop ({}); its partitions that had not committed are read"
                                    + " again on the next start.",
                            time.milliseconds(),
                            e.toString());
                    return;
                }
                // a failed task arrives as SparkException, which Java sees as checked: catch all, or later batches
                // would run and commit past the failed one
                failure.compareAndSet(null, e);
                reportFailedBatch(time.milliseconds(), ranges, listener, e);
                throw e;
            }
        });
        context.start();
        daemon("cardstream-kafka-watch", this::watchKafka);
        LOG.info(
                "The job started: topic {}, group {}, {} ms batches, master {}.",
                config.topic(),
                config.groupId(),
                config.batchIntervalMs(),
                context.sparkContext().master());
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
                if (now - lastBatchFinished < stallNanos) {
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
        if (failure.compareAndSet(null, e)) {
            LOG.error(e.getMessage());
            stop(false);
        }
    }

    /**
     * Says which partitions of a failed batch committed (Spark returns no result of a failed job, not even of its
     * tasks that succeeded): the group's stable committed offsets tell, and their metadata carries each committed
     * range's counts, which go into the batch's metrics row. The others are read again on the next start.
     */
    private void reportFailedBatch(long batchTime, OffsetRange[] ranges, BatchListener listener, Exception cause) {
        List<Integer> committedParts = new ArrayList<>();
        List<Integer> failedParts = new ArrayList<>();
        List<PartitionResult> done = new ArrayList<>();
        Map<String, Object> props = new HashMap<>(consumerProperties());
        props.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin kafka = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(
                            config.groupId(), new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            for (OffsetRange range : ranges) {
                if (range.count() == 0) {
                    continue;
                }
                OffsetAndMetadata at = committed.get(range.topicPartition());
                if (at != null && at.offset() >= range.untilOffset()) {
                    committedParts.add(range.partition());
                    done.add(PartitionResult.committedBefore(at.metadata()));
                } else {
                    failedParts.add(range.partition());
                }
            }
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.error(
                    "Batch {} failed, and which of its partitions committed could not be read ({}); the job stops:"
                            + " {}",
                    batchTime,
                    e.toString(),
                    cause.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!done.isEmpty()) {
            BatchSummary summary = BatchSummary.merge(batchTime, done, TOP_COMPANIES, PartitionProcessor.SAMPLE);
            listener.writeFailed(summary);
        }
        LOG.error(
                "Batch {} failed: partitions {} of {} committed ({} records; their counts are in its metrics row),"
                        + " partitions {} did not and are read again on the next start; the job stops: {}",
                batchTime,
                committedParts,
                config.topic(),
                done.stream().mapToLong(PartitionResult::records).sum(),
                failedParts,
                cause.toString());
    }

    /**
     * The batch's ranges, one to a partition, each preferring the executor the Kafka RDD would have put it on (the
     * direct stream's consistent placement): a partition stays on one executor from batch to batch, and so do its
     * reader and its dead-letter producer, which another executor's would otherwise fence at every move.
     */
    private static JavaRDD<OffsetRange> placedAsKafkaRdd(RDD<?> kafkaRdd, OffsetRange[] ranges) {
        Partition[] partitions = kafkaRdd.partitions();
        List<Tuple2<OffsetRange, Seq<String>>> placed = new ArrayList<>(ranges.length);
        for (int i = 0; i < ranges.length; i++) {
            placed.add(new Tuple2<>(ranges[i], kafkaRdd.preferredLocations(partitions[i])));
        }
        ClassTag<OffsetRange> tag = ClassTag$.MODULE$.apply(OffsetRange.class);
        return new JavaRDD<>(
                kafkaRdd.context().makeRDD(JavaConverters.asScalaBuffer(placed).toSeq(), tag), tag);
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
            checkDeadLetterRoom(kafka);
            int partitions = kafka.describeTopics(List.of(config.topic()))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(config.topic())
                    .partitions()
                    .size();
            checkRetention(kafka, partitions);
            abortTransactionsLeftOpen(partitions);
        } catch (ExecutionException e) {
            throw kafkaRefused(e.getCause());
        } catch (KafkaException e) {
            throw kafkaRefused(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Invalid setting bootstrap-servers: Kafka at " + config.bootstrapServers()
                            + " did not answer within 60 s (" + e
                            + "). If its listener wants SASL or SSL, set kafka-prop"
                            + " security.protocol.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the topics.", e);
        }
        try (org.apache.hadoop.hbase.client.Admin hbase = driverHBase.getAdmin()) {
            for (String[] t : new String[][] {
                {"person-table", config.personTable()},
                {"company-table", config.companyTable()},
                {"tx-table", config.txTable()},
                {"metrics-table", config.metricsTable()}
            }) {
                if (!hbase.tableExists(TableName.valueOf(t[1]))) {
                    throw new IllegalStateException("Invalid setting " + t[0] + ": the HBase table " + t[1]
                            + " does not exist; run bin/cardstream schema create first.");
                }
            }
        }
    }

    /**
     * Aborts the dead-letter transactions a killed run of the job may have left open, by fencing each input
     * partition's transactional id. Until then their pending offset commits would keep the stream's consumer
     * waiting for stable offsets, and with it the first batch, whose tasks would be the ones to fence them.
     */
    private void abortTransactionsLeftOpen(int partitions) {
        long start = System.nanoTime();
        // on this thread: its context class loader is the one that sees the job's jar (spark-submit sets it)
        for (int p = 0; p < partitions; p++) {
            TopicPartition source = new TopicPartition(config.topic(), p);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(ExecutorResources.deadLetterProducerProperties(config, source))) {
                producer.initTransactions();
            }
        }
        LOG.info(
                "Fenced the dead-letter producers of the {} partitions of {}, aborting any transaction a previous"
                        + " run left open, in {} ms.",
                partitions,
                config.topic(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The start-up error for a Kafka that refused the job: credentials, rights, or no answer. */
    private IllegalStateException kafkaRefused(Throwable cause) {
        if (cause instanceof AuthenticationException) {
            return new IllegalStateException(
                    "Invalid setting kafka-prop sasl.jaas.config: Kafka at "
                            + config.bootstrapServers() + " refused the job's credentials (" + cause.getMessage()
                            + "). Check the user and password, sasl.mechanism and security.protocol.",
                    cause);
        }
        if (cause instanceof AuthorizationException) {
            return new IllegalStateException(
                    "Kafka at " + config.bootstrapServers() + " does not allow the job's"
                            + " principal what it needs (" + cause.getMessage() + "): it must describe and read topic "
                            + config.topic() + ", read group " + config.groupId() + ", write topic "
                            + config.deadLetterTopic()
                            + " and use the transactional ids cardstream-" + config.groupId() + "-*.",
                    cause);
        }
        return new IllegalStateException(
                "Invalid setting bootstrap-servers: Kafka at " + config.bootstrapServers() + " did not answer the job ("
                        + cause + ").",
                cause);
    }

    /**
     * Refuses to start when the dead-letter topic cannot take the largest dead letter
     * ({@link Topics#DEAD_LETTER_MAX_RECORD_BYTES}: dead letters are bounded whatever the input): a record that could
     * not be dead-lettered would fail its batch on every restart. Without the right to describe topic settings,
     * warns and goes on.
     */
    private void checkDeadLetterRoom(Admin kafka) throws InterruptedException, TimeoutException {
        ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, config.deadLetterTopic());
        Map<ConfigResource, Config> configs;
        try {
            configs = kafka.describeConfigs(List.of(dlq)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.warn(
                    "Could not read the max.message.bytes of topic {} ({}); make sure it takes records of {} bytes.",
                    config.deadLetterTopic(),
                    e.getCause().toString(),
                    Topics.DEAD_LETTER_MAX_RECORD_BYTES);
            return;
        }
        long dlqMax =
                Long.parseLong(configs.get(dlq).get(Topics.MAX_MESSAGE_BYTES).value());
        if (dlqMax < Topics.DEAD_LETTER_MAX_RECORD_BYTES) {
            throw new IllegalStateException("Invalid setting dlq-topic: the dead-letter topic "
                    + config.deadLetterTopic() + " takes records of at most " + dlqMax + " bytes (max.message.bytes),"
                    + " but a dead letter can have " + Topics.DEAD_LETTER_MAX_RECORD_BYTES + " (a value of up to "
                    + Topics.DEAD_LETTER_MAX_VALUE_BYTES + " bytes, its key and headers); a record that could not be"
                    + " dead-lettered would stop the job. Raise max.message.bytes of " + config.deadLetterTopic()
                    + " (kafka-configs.sh --alter --entity-type topics --entity-name " + config.deadLetterTopic()
                    + " --add-config max.message.bytes=" + Topics.DEAD_LETTER_MAX_MESSAGE_BYTES + ").");
        }
    }

    /**
     * Fails the start when the group's committed offset of a partition is below the start of its log: the records
     * between were deleted (retention, or records deleted by an admin) before the job read them, and Kafka's
     * consumer would skip them without a word. With {@code resume-after-data-loss} the group's offsets are moved to
     * the log start instead, and the loss is logged.
     */
    private void checkRetention(Admin kafka, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(config.groupId())
                .partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            earliest.put(new TopicPartition(config.topic(), p), OffsetSpec.earliest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                kafka.listOffsets(earliest).all().get(60, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> moved =
                new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        List<String> lost = new ArrayList<>();
        starts.forEach((tp, start) -> {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null && at.offset() < start.offset()) {
                lost.add("partition " + tp.partition() + ": offsets " + at.offset() + " to " + (start.offset() - 1)
                        + " (" + (start.offset() - at.offset()) + " records)");
                moved.put(tp, new OffsetAndMetadata(start.offset()));
            }
        });
        if (lost.isEmpty()) {
            return;
        }
        lost.sort(null);
        String ranges = String.join("; ", lost);
        if (!config.resumeAfterDataLoss()) {
            throw new IllegalStateException("The committed offsets of group " + config.groupId() + " are below the"
                    + " start of the log of topic " + config.topic() + ": records were deleted before the job read"
                    + " them (the job was down longer than the topic's retention?). Lost: " + ranges + ". Start with"
                    + " resume-after-data-loss=true (--resume-after-data-loss) to resume from the log start.");
        }
        kafka.alterConsumerGroupOffsets(config.groupId(), moved).all().get(60, TimeUnit.SECONDS);
        LOG.warn(
                "Resuming group {} from the start of the log of {} (resume-after-data-loss): these records were"
                        + " deleted before the job read them and are lost: {}.",
                config.groupId(),
                config.topic(),
                ranges);
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
     * Stops the job. Gracefully: the running and queued batches finish and the last one's offsets are committed; but
     * when no batch has finished for {@code stop-stall-seconds} (one waits on a Kafka or HBase that is down), the
     * stop gives up on them and stops now. Now: no further batch starts, the running batch's tasks get
     * {@link #TASKS_FINISH} to end (each commits its whole partition or nothing), and the next start resumes from
     * the last commit.
     */
    public synchronized void stop(boolean gracefully) {
        if (stopped || context == null) {
            return;
        }
        stopped = true;
        LOG.info("Stopping the job {}.", gracefully ? "gracefully (running batches finish and commit)" : "now");
        boolean local = context.sparkContext().isLocal();
        if (gracefully) {
            stopGracefully();
        } else {
            stoppingNow = true;
            Thread stopper = daemon("cardstream-stop-now", () -> stopNow(context));
            // Kafka down: the graph's lock is held by a batch's generation, blocked in the driver's consumer
            awaitWakingKafka(stopper, TASKS_FINISH.multipliedBy(3));
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

    /**
     * Stops the context gracefully while batches keep finishing. Spark's graceful stop waits up to an hour for the
     * batches it has queued, and the generation of the next batch holds the graph's lock while the driver's consumer
     * waits, without a timeout, for a broker; so when no batch has finished for {@code stop-stall-seconds}, the
     * running batch is cancelled (its tasks interrupted), later batches are skipped, and the consumer is woken up
     * until the context has stopped.
     */
    private void stopGracefully() {
        Thread stopper = daemon("cardstream-graceful-stop", () -> context.stop(true, true));
        long started = System.nanoTime();
        long stall = TimeUnit.SECONDS.toNanos(config.stopStallSeconds());
        try {
            while (stopper.isAlive()) {
                stopper.join(WAKE_UP_EVERY.toMillis());
                long now = System.nanoTime();
                if (stopper.isAlive() && Math.min(now - started, now - lastBatchFinished) > stall) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            // the shutdown hook's own time is up
            Thread.currentThread().interrupt();
        }
        if (!stopper.isAlive()) {
            return;
        }
        LOG.warn(
                "No batch has finished for {} s (stop-stall-seconds) of the graceful stop: a batch waits on Kafka or"
                        + " HBase. Stopping now instead: the running batch is cancelled and no later one runs; partitions"
                        + " that had not committed are read again on the next start.",
                config.stopStallSeconds());
        stoppingNow = true;
        context.sparkContext().cancelAllJobs();
        awaitWakingKafka(stopper, TASKS_FINISH.multipliedBy(3));
    }

    /**
     * Waits for a stop running in {@code stopper}, at most {@code bound}; from its second second on, wakes up the
     * driver's Kafka consumer so that a batch generation blocked on a dead broker lets go of the graph's lock (that
     * generation then fails, and Spark logs it as an error).
     */
    private void awaitWakingKafka(Thread stopper, Duration bound) {
        long started = System.nanoTime();
        boolean interrupted = Thread.interrupted();
        while (stopper.isAlive()) {
            long waited = System.nanoTime() - started;
            if (waited > bound.toNanos()) {
                LOG.warn(
                        "The Spark context has not stopped within {} s of stopping now; leaving it to the JVM's"
                                + " exit.",
                        bound.toSeconds());
                break;
            }
            if (waited > TimeUnit.SECONDS.toNanos(1)) {
                try {
                    kafkaStream.consumer().wakeup();
                } catch (RuntimeException e) {
                    LOG.debug("Waking up the driver's Kafka consumer failed: {}", e.toString());
                }
            }
            try {
                stopper.join(WAKE_UP_EVERY.toMillis());
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable body) {
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
     * batch's tasks finish first (at most {@link #TASKS_FINISH}): Spark would otherwise pull its environment from
     * under them, and they would fail noisily.
     */
    public static void stopNow(JavaStreamingContext context) {
        JavaSparkContext spark = context.sparkContext();
        context.stop(false, false);
        long deadline = System.nanoTime() + TASKS_FINISH.toNanos();
        try {
            while (spark.statusTracker().getActiveJobIds().length > 0) {
                if (System.nanoTime() > deadline) {
                    LOG.info(
                            "Tasks of the cut-short batch still run after {} s; they stop with Spark.",
                            TASKS_FINISH.toSeconds());
                    break;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spark.stop();
    }
}
