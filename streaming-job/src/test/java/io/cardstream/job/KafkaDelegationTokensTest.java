package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.spark.SparkConf;
import org.apache.spark.kafka010.KafkaTokenUtil;
import org.junit.jupiter.api.Test;

class KafkaDelegationTokensTest {

    private static final Map<String, Object> KEYTAB_LOGIN = Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "GSSAPI",
            "sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required keyTab=\"client.keytab\";");

    private static SparkConf cluster(String mechanism) {
        return new SparkConf(false)
                .set("spark.kafka.clusters.c1.auth.bootstrap.servers", "broker-a:9093")
                .set("spark.kafka.clusters.c1.target.bootstrap.servers.regex", "broker-a:.*")
                .set("spark.kafka.clusters.c1.sasl.token.mechanism", mechanism);
    }

    /** Runs {@code action} as a user holding a Kafka token for cluster c1, as Spark's executors hold it. */
    private static <T> T withToken(PrivilegedExceptionAction<T> action) throws Exception {
        // Spark's provider stores it under its service name, which carries the cluster's id
        Text service = new Text("kafka.server.delegation.token.c1");
        UserGroupInformation user = UserGroupInformation.createRemoteUser("executor");
        user.addToken(
                service,
                new Token<>(
                        "token-id-1".getBytes(StandardCharsets.UTF_8),
                        "hmac-1".getBytes(StandardCharsets.UTF_8),
                        KafkaTokenUtil.TOKEN_KIND(),
                        service));
        return user.doAs(action);
    }

    @Test
    void logsInWithTheTokenInsteadOfTheKeytabWhenOneMatchesTheBrokers() throws Exception {
        Map<String, Object> props =
                withToken(() -> KafkaDelegationTokens.apply(KEYTAB_LOGIN, cluster("SCRAM-SHA-512"), "broker-a:9092"));

        assertThat(props)
                .containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat((String) props.get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required")
                .contains("tokenauth=true", "username=\"token-id-1\"", "password=\"hmac-1\"")
                .doesNotContain("keyTab");
    }

    @Test
    void leavesThePropertiesAsTheyAreWhenNoTokenMatchesTheBrokers() throws Exception {
        assertThat(withToken(
                        () -> KafkaDelegationTokens.apply(KEYTAB_LOGIN, cluster("SCRAM-SHA-512"), "broker-b:9092")))
                .isEqualTo(KEYTAB_LOGIN);
        assertThat(UserGroupInformation.createRemoteUser("no-token")
                        .doAs((PrivilegedExceptionAction<Map<String, Object>>) () ->
                                KafkaDelegationTokens.apply(KEYTAB_LOGIN, cluster("SCRAM-SHA-512"), "broker-a:9092")))
                .isEqualTo(KEYTAB_LOGIN);
    }

    @Test
    void refusesATokenMechanismOtherThanScramNamingTheSetting() {
        assertThatThrownBy(() ->
                        withToken(() -> KafkaDelegationTokens.apply(KEYTAB_LOGIN, cluster("GSSAPI"), "broker-a:9092")))
                .hasMessageContaining("Invalid setting spark.kafka.clusters.c1.sasl.token.mechanism")
                .hasMessageContaining("'GSSAPI'");
    }

    @Test
    void theJobRefusesATokenMechanismOtherThanScramAtStart() {
        assertThatThrownBy(() -> StreamingJob.checkSparkSettings(cluster("PLAIN")))
                .hasMessageStartingWith("Invalid setting spark.kafka.clusters.c1.sasl.token.mechanism:");
        StreamingJob.checkSparkSettings(cluster("SCRAM-SHA-256"));
    }
}
