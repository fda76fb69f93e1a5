package io.cardstream.job;

import io.cardstream.schema.HBaseConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one executor JVM shares between all its tasks and batches: one HBase connection, one dimension cache, a
 * transactional dead-letter producer per input partition it has processed (a transaction writes a partition's dead
 * letters and commits its offsets at once, and one producer holds one transaction at a time), and idle consumers
 * that read those partitions' ranges (a task takes one and gives it back). Made on first use
 * from the job's configuration and closed when the JVM exits (in local mode: when the job stops and its last task
 * has finished). Never built on the driver and shipped: connections do not serialize, and one per record or batch
 * would be ruinous.
 */
final class ExecutorResources {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorResources.class);
    private static final int CLOSE_PRIORITY = 10;
    /** Records a reader's poll returns at most, unless {@code max.poll.records} is set: 100 records of 1 MB each. */
    static final int READER_MAX_POLL_RECORDS = 100;

    private static ExecutorResources instance;

    private final JobConfig config;
    private final Connection hbase;
    private final Map<TopicPartition, Producer<byte[], byte[]>> deadLetters = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Consumer<byte[], byte[]>> idleReaders = new ConcurrentHashMap<>();
    private final DimensionCache dimensions;
    /** Tasks using these resources now, and whether a newer job replaced them (guarded by the class). */
    private int tasks;

    private boolean retired;
    private final Runnable closeHook = this::close;

    private ExecutorResources(JobConfig config) throws IOException {
        this.config = config;
        this.hbase = HBaseConnections.open(hbaseConfiguration(config));
        this.dimensions = DimensionCache.start(
                config.cacheSize(), config.cacheTtlSeconds(), DimensionLookup.readers(hbase, config));
        LOG.info(
                "Executor resources are ready: one HBase connection, a dimension cache of at most {} rows living"
                        + " {} s (rows in use are read again in the background once {}% of that has passed).",
                config.cacheSize(), config.cacheTtlSeconds(), DimensionCache.RENEW_AT_PERCENT);
    }

    /**
     * The resources for {@code config}, for one task; the task gives them back with {@link #release()}. An executor
     * serves one application, but in local mode a JVM can run one job after another (tests and the benchmark do):
     * resources made for another configuration are retired and made anew.
     */
    static ExecutorResources acquire(JobConfig config) {
        ExecutorResources retiredNow = null;
        ExecutorResources acquired;
        synchronized (ExecutorResources.class) {
            if (instance != null && !instance.config.equals(config)) {
                LOG.info("The job's configuration changed in this JVM; reconnecting the executor's resources.");
                retiredNow = instance.retire();
                instance = null;
            }
            if (instance == null) {
                try {
                    instance = new ExecutorResources(config);
                } catch (IOException e) {
                    throw new UncheckedIOException("The executor could not connect to HBase.", e);
                }
                // After Spark's own hooks (SparkContext 50, StreamingContext 51, the job's graceful stop 100): in
                // local mode the executor is the driver's JVM, and batches finishing a graceful stop still use these.
                ShutdownHookManager.get().addShutdownHook(instance.closeHook, CLOSE_PRIORITY);
            }
            instance.tasks++;
            acquired = instance;
        }
        if (retiredNow != null) {
            retiredNow.closeRetired();
        }
        return acquired;
    }

    /** Gives back what {@link #acquire} gave; the last task of retired resources closes them. */
    void release() {
        boolean last;
        synchronized (ExecutorResources.class) {
            tasks--;
            last = retired && tasks == 0;
        }
        if (last) {
            closeRetired();
        }
    }

    /**
     * Closes this JVM's resources once no task uses them, when a local-mode job that ran its executor here has
     * stopped: its dead-letter producers would otherwise keep reconnecting to a broker that may be gone until the
     * JVM exits. A task still running (a batch the stop cut short goes on in its executor thread) finishes first.
     */
    static void closeInThisJvm() {
        ExecutorResources retiredNow;
        synchronized (ExecutorResources.class) {
            retiredNow = instance == null ? null : instance.retire();
            instance = null;
        }
        if (retiredNow != null) {
            retiredNow.closeRetired();
        }
    }

    /** Whether this JVM holds resources a new task would use (a local-mode job that has not stopped). */
    static synchronized boolean openInThisJvm() {
        return instance != null;
    }

    /** Marks these resources retired; returns them when no task uses them (the caller closes them), else null. */
    private ExecutorResources retire() {
        retired = true;
        return tasks == 0 ? this : null;
    }

    static Configuration hbaseConfiguration(JobConfig config) {
        Configuration conf = HBaseConfiguration.create();
        config.hbaseProperties().forEach(conf::set);
        return conf;
    }

    /**
     * The transactional id of the dead-letter producer for input partition {@code source}: stable across restarts,
     * so that a restarted job's producer fences a killed one's and aborts its open transaction.
     */
    static String transactionalId(JobConfig config, TopicPartition source) {
        return "cardstream-" + config.groupId() + "-" + source.topic() + "-" + source.partition();
    }

    static Map<String, Object> deadLetterProducerProperties(JobConfig config, TopicPartition source) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.keySet()
                .removeIf(k -> k.startsWith("group.")
                        || k.startsWith("auto.")
                        || k.startsWith("enable.auto")
                        || k.endsWith(".deserializer")
                        || k.startsWith("max.poll")
                        || k.startsWith("fetch.")
                        || k.equals("isolation.level"));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        // acks and idempotence are what a transaction needs (JobConfig refuses other values); the rest are defaults
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "cardstream-job-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // a dead letter is bounded (DeadLetters, 304 KiB at most): the client's default max.request.size, 1 MiB, takes
        // it
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config, source));
        // a transaction lasts one partition's processing; the broker's default ceiling is 15 minutes
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(10 * 60 * 1000));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * The properties of the consumers that read ranges in the tasks: assigned, never a group member (the driver's
     * consumer holds the group; offsets are committed in the dead-letter transactions) though they read its
     * committed offsets, {@code read_committed}
     * unless the user set otherwise, no automatic reset (a range that is gone fails its batch), and at most
     * {@value #READER_MAX_POLL_RECORDS} records a poll unless set, which bounds what a task holds at once.
     */
    static Map<String, Object> readerProperties(JobConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.keySet()
                .removeIf(k -> k.startsWith("group.")
                        || k.startsWith("transaction")
                        || k.startsWith("acks")
                        || k.endsWith(".serializer")
                        || k.startsWith("linger.")
                        || k.startsWith("batch.")
                        || k.startsWith("enable.idempotence")
                        || k.startsWith("compression.")
                        || k.startsWith("max.request")
                        || k.startsWith("auto.offset"));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "cardstream-job-reader");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // to read the group's committed offsets (an attempt checks them); assigned, so it never joins the group
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(READER_MAX_POLL_RECORDS));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** An idle consumer for reading a range of {@code source}, or a new one; give it back with {@link #giveBack}. */
    Consumer<byte[], byte[]> takeReader(TopicPartition source) {
        Consumer<byte[], byte[]> reader = idleReaders.remove(source);
        return reader != null
                ? reader
                : new KafkaConsumer<>(KafkaDelegationTokens.apply(readerProperties(config), config.bootstrapServers()));
    }

    /**
     * Gives back a reader after its task: kept for the partition's next range when {@code healthy}, else closed (a
     * reader whose task failed may hold a broken position or fetch).
     */
    void giveBack(TopicPartition source, Consumer<byte[], byte[]> reader, boolean healthy) {
        if (healthy && !retiredNow() && idleReaders.putIfAbsent(source, reader) == null) {
            return;
        }
        reader.close(Duration.ZERO);
    }

    private boolean retiredNow() {
        synchronized (ExecutorResources.class) {
            return retired;
        }
    }

    Connection hbase() {
        return hbase;
    }

    /**
     * An idle dead-letter producer of input partition {@code source}, or a new one, its transactions initialised
     * (which fences every older producer of the partition, in this JVM or another, and aborts its open transaction).
     * A task has its producer to itself until it gives it back ({@link #giveBackDeadLetters}) or closes it
     * ({@link #closeDeadLetters}): two attempts of one range never share a transaction.
     */
    Producer<byte[], byte[]> takeDeadLetters(TopicPartition source) {
        Producer<byte[], byte[]> idle = deadLetters.remove(source);
        if (idle != null) {
            return idle;
        }
        Producer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaDelegationTokens.apply(deadLetterProducerProperties(config, source), config.bootstrapServers()));
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        LOG.info(
                "The dead-letter producer of {} is ready (transactional id {}).",
                source,
                transactionalId(config, source));
        return producer;
    }

    /** Gives back a producer whose transaction ended (committed or aborted), for the partition's next range. */
    void giveBackDeadLetters(TopicPartition source, Producer<byte[], byte[]> producer) {
        if (retiredNow() || deadLetters.putIfAbsent(source, producer) != null) {
            producer.close(Duration.ZERO);
        }
    }

    /**
     * Closes a producer after a failed transaction: a fenced or failed transactional producer cannot be used again,
     * and the next task makes a new one.
     */
    static void closeDeadLetters(Producer<byte[], byte[]> producer) {
        producer.close(Duration.ZERO);
    }

    DimensionCache dimensions() {
        return dimensions;
    }

    /** Closes retired resources and lets them go: no shutdown hook keeps them, nor their cache, any longer. */
    private void closeRetired() {
        try {
            ShutdownHookManager.get().removeShutdownHook(closeHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook closes them again, which does no harm
        }
        close();
        dimensions.invalidateAll();
    }

    private void close() {
        dimensions.close();
        try {
            // one 10 s budget for all of them, as for the single producer before: with the broker gone, each close
            // waits out its whole timeout
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            deadLetters.values().forEach(p -> p.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
            deadLetters.clear();
            idleReaders.values().forEach(c -> c.close(Duration.ZERO));
            idleReaders.clear();
            hbase.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the executor's connections failed: {}", e.toString());
        }
    }
}
