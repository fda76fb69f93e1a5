package io.cardstream.job;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.kafka010.KafkaTokenClusterConf;
import org.apache.spark.kafka010.KafkaTokenUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * The Kafka delegation token Spark obtained for the job ({@code spark.kafka.clusters.<id>.*}, with
 * {@code --principal}/{@code --keytab} on YARN), applied to the Kafka clients the job makes in its executors: the range
 * readers and the transactional dead-letter producers. Spark applies its token only to the consumers it makes itself,
 * and the job reads and writes with its own. With a token for the job's brokers in this JVM's credentials, these
 * clients log in with it (SCRAM, {@code tokenauth=true}) instead of {@code kafka-prop sasl.jaas.config}, whose keytab is
 * the driver's and need not exist where an executor runs. Without one, the properties are left as they are.
 */
final class KafkaDelegationTokens {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDelegationTokens.class);
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private KafkaDelegationTokens() {}

    /**
     * {@code props} with the token's login when this JVM runs in Spark and holds a Kafka token matching
     * {@code bootstrapServers} (Spark's {@code spark.kafka.clusters.<id>.target.bootstrap.servers.regex}); else
     * {@code props} unchanged.
     */
    static Map<String, Object> apply(Map<String, Object> props, String bootstrapServers) {
        SparkEnv env = SparkEnv.get();
        if (env == null) {
            return props;
        }
        return apply(props, env.conf(), bootstrapServers);
    }

    static Map<String, Object> apply(Map<String, Object> props, SparkConf conf, String bootstrapServers) {
        Option<KafkaTokenClusterConf> found = KafkaTokenUtil.findMatchingTokenClusterConfig(conf, bootstrapServers);
        if (found.isEmpty()) {
            return props;
        }
        KafkaTokenClusterConf cluster = found.get();
        checkMechanism(cluster.identifier(), cluster.tokenMechanism());
        Map<String, Object> withToken = new HashMap<>(props);
        withToken.put(SaslConfigs.SASL_MECHANISM, cluster.tokenMechanism());
        withToken.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaTokenUtil.getTokenJaasParams(cluster));
        if (ANNOUNCED.compareAndSet(false, true)) {
            LOG.info(
                    "The job's Kafka clients in this executor (range readers, dead-letter producers) log in to {} with"
                            + " Spark's delegation token of Kafka cluster {} ({}), not with kafka-prop sasl.jaas.config.",
                    bootstrapServers,
                    cluster.identifier(),
                    cluster.tokenMechanism());
        }
        return withToken;
    }

    /** Refuses a token mechanism other than SCRAM for cluster {@code id}, naming the setting. */
    static void checkMechanism(String id, String mechanism) {
        if (!mechanism.startsWith("SCRAM")) {
            throw new IllegalArgumentException("Invalid setting spark.kafka.clusters." + id
                    + ".sasl.token.mechanism: a Kafka delegation token logs in with SCRAM only (SCRAM-SHA-512, the"
                    + " default, or SCRAM-SHA-256); got '" + mechanism + "'.");
        }
    }
}
