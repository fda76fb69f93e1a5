package io.cardstream.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one executor JVM shares between all its tasks and batches: one HBase connection, one dead-letter producer
 * and one dimension cache, made on first use from the job's configuration and closed when the JVM exits. Never
 * built on the driver and shipped: connections do not serialize, and one per record or batch would be ruinous.
 */
final class ExecutorResources {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorResources.class);
    private static final int CLOSE_PRIORITY = 10;
    private static ExecutorResources instance;

    private final JobConfig config;
    private final Connection hbase;
    private final Producer<byte[], byte[]> deadLetters;
    private final Cache<String, Optional<String>> dimensions;

    private ExecutorResources(JobConfig config) throws IOException {
        this.config = config;
        this.hbase = ConnectionFactory.createConnection(hbaseConfiguration(config));
        this.deadLetters = new KafkaProducer<>(deadLetterProducerProperties(config));
        this.dimensions = Caffeine.newBuilder()
                .maximumSize(config.cacheSize())
                .expireAfterWrite(Duration.ofSeconds(config.cacheTtlSeconds()))
                .build();
        LOG.info("Executor resources are ready: one HBase connection, one dead-letter producer, a dimension cache"
                + " of at most {} rows living {} s.", config.cacheSize(), config.cacheTtlSeconds());
    }

    /**
     * The resources for {@code config}. An executor serves one application, but in local mode a JVM can run one
     * job after another (tests do): resources made for another configuration are closed and made anew.
     */
    static synchronized ExecutorResources get(JobConfig config) {
        if (instance != null && !instance.config.equals(config)) {
            LOG.info("The job's configuration changed in this JVM; reconnecting the executor's resources.");
            instance.close();
            instance = null;
        }
        if (instance == null) {
            try {
                instance = new ExecutorResources(config);
            } catch (IOException e) {
                throw new UncheckedIOException("The executor could not connect to HBase.", e);
            }
            ExecutorResources created = instance;
            // After Spark's own hooks (SparkContext 50, StreamingContext 51, the job's graceful stop 100): in local
            // mode the executor is the driver's JVM, and batches finishing a graceful stop still use these.
            ShutdownHookManager.get().addShutdownHook(created::close, CLOSE_PRIORITY);
        }
        return instance;
    }

    static Configuration hbaseConfiguration(JobConfig config) {
        Configuration conf = HBaseConfiguration.create();
        config.hbaseProperties().forEach(conf::set);
        return conf;
    }

    static Map<String, Object> deadLetterProducerProperties(JobConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.keySet().removeIf(k -> k.startsWith("group.") || k.startsWith("auto.") || k.startsWith("enable.auto")
                || k.endsWith(".deserializer") || k.startsWith("max.poll") || k.startsWith("fetch.")
                || k.equals("isolation.level"));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "cardstream-job-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    Connection hbase() {
        return hbase;
    }

    Producer<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    Cache<String, Optional<String>> dimensions() {
        return dimensions;
    }

    private void close() {
        try {
            deadLetters.close(Duration.ofSeconds(10));
            hbase.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the executor's connections failed: {}", e.toString());
        }
    }
}
