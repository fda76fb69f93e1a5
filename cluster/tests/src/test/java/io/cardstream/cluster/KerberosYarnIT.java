package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalKdc;
import io.cardstream.localstack.LocalStackExtension;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job on a Kerberized YARN against a Kerberized HBase and broker, with one real KDC (the local stack's): the
 * ResourceManager and the NodeManager log in as {@code yarn/localhost}, spark-submit as the client principal with
 * {@code --principal}/{@code --keytab}, and the executors hold no keytab: they reach HBase only with the delegation
 * token Spark's HBase token provider obtained for them (their hbase-site.xml names no keytab), and Kafka only with the
 * token Spark's Kafka token provider obtained ({@code spark.kafka.clusters.c1.*}; the JAAS line's keytab is a path
 * relative to the driver's working directory, absent from theirs). 100,000 transactions, every one stored or
 * dead-lettered once. Kerberos state is global to a JVM: this class runs in a JVM of its own (the pom's
 * {@code kerberos} execution).
 */
class KerberosYarnIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase().configure(c -> c.withKerberos(true));

    private static MiniYarn yarn;

    @BeforeAll
    static void prepare() throws Exception {
        ClusterRun.freshDirectory("kerberos-yarn-it");
        System.setProperty(
                "java.security.krb5.conf", STACK.stack().kerberos().krb5Conf().toString());
    }

    @AfterAll
    static void stopYarn() {
        if (yarn != null) {
            yarn.close();
        }
    }

    @Test
    void theJobRunsOnKerberizedYarnAndItsExecutorsUseHBaseAndKafkaDelegationTokens() throws Exception {
        LocalKdc kdc = STACK.stack().kerberos();
        ClusterRun run = new ClusterRun(STACK, "kerberos-yarn-it");
        // the schema and dimensions first: this JVM's HBase client logs in as the client principal, and Hadoop's
        // login user is one for the JVM; YARN's servers, started after, serve as yarn/localhost until the checks
        run.prepare();
        writeHBaseSiteWithoutKeytab(run.confDir());
        startYarn(kdc);
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", "file:///");
        core.set("hadoop.security.authentication", "kerberos");
        yarn.writeHadoopConf(run.confDir(), core);

        String krb5 = "-Djava.security.krb5.conf=" + kdc.krb5Conf();
        List<String> submit = new ArrayList<>(YarnIT.submitArgs(run, "client"));
        submit.addAll(List.of(
                "--principal",
                kdc.clientPrincipal(),
                "--keytab",
                kdc.clientKeytab().toString(),
                "--conf",
                "spark.yarn.am.extraJavaOptions=" + krb5,
                "--conf",
                "spark.executor.extraJavaOptions=" + krb5,
                // Spark's Kafka token provider: a token for the Kerberos listener, obtained with the keytab above
                "--conf",
                "spark.kafka.clusters.c1.auth.bootstrap.servers="
                        + STACK.stack().kerberosBootstrapServers(),
                "--conf",
                "spark.kafka.clusters.c1.security.protocol=SASL_PLAINTEXT",
                "--conf",
                "spark.kafka.clusters.c1.sasl.kerberos.service.name=" + LocalKdc.KAFKA_SERVICE));
        List<String> job = new ArrayList<>(run.jobArgs());
        job.set(job.indexOf(STACK.bootstrapServers()), STACK.stack().kerberosBootstrapServers());
        // the driver's Kafka clients log in from this keytab, found in its working directory (the run's); an
        // executor's working directory is its container's, without it: only the token can log an executor in
        Files.copy(kdc.clientKeytab(), run.dir().resolve("driver-only.keytab"));
        LocalKdc.kafkaClientProperties(kdc.clientPrincipal(), Path.of("driver-only.keytab"))
                .forEach((k, v) -> job.addAll(List.of("--kafka-prop", k + "=" + v)));
        Map<String, String> env = new HashMap<>(YarnIT.env(run));
        env.put("JDK_JAVA_OPTIONS", (System.getenv().getOrDefault("JDK_JAVA_OPTIONS", "") + " " + krb5).trim());

        run.run(env, ClusterRun.sparkClasspath(run.confDir()), submit, job);

        String driver = Files.readString(run.dir().resolve("spark-submit.log"), StandardCharsets.ISO_8859_1);
        assertThat(driver)
                .as("spark-submit logged in from the keytab and obtained an HBase token")
                .contains("Get token from HBase")
                .doesNotContain("Failed to get token from service");
        String app = yarn.app(run.name()).orElseThrow().getApplicationId().toString();
        assertThat(yarn.executorTasks(app))
                .as("executor containers and the tasks each finished")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((container, finished) -> assertThat(finished).isPositive());
        for (Path log : yarn.containerLogs(app)) {
            String executor = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (executor.contains("Starting executor ID")) {
                assertThat(executor)
                        .as("%s: the executor's Kafka clients logged in with Spark's token", log)
                        .contains("with Spark's delegation token of Kafka cluster c1");
            }
        }
    }

    /** A Kerberized YARN: one principal for both servers, since they serve as this JVM's one login user. */
    private static void startYarn(LocalKdc kdc) throws Exception {
        String principal = "yarn/" + LocalKdc.HOST + "@" + LocalKdc.REALM;
        Path keytab = kdc.createPrincipal("yarn/" + LocalKdc.HOST);
        YarnConfiguration conf = MiniYarn.configuration(LocalKdc.HOST);
        conf.set("hadoop.security.authentication", "kerberos");
        conf.set(YarnConfiguration.RM_PRINCIPAL, principal);
        conf.set(YarnConfiguration.RM_KEYTAB, keytab.toString());
        conf.set(YarnConfiguration.NM_PRINCIPAL, principal);
        conf.set(YarnConfiguration.NM_KEYTAB, keytab.toString());
        UserGroupInformation.setConfiguration(conf);
        // MiniYARNCluster's servers skip their own keytab login (a test's JVM is theirs): they serve as this JVM's
        // login user, which the schema's HBase client made the client principal
        UserGroupInformation.loginUserFromKeytab(principal, keytab.toString());
        yarn = MiniYarn.start("cardstream-kerberos-yarn-it", conf);
    }

    /**
     * The executors' hbase-site.xml: Kerberos, but no keytab, so that they can reach HBase only with the delegation
     * token Spark obtained and shipped to them.
     */
    private static void writeHBaseSiteWithoutKeytab(Path confDir) throws Exception {
        Configuration site = new Configuration(false);
        STACK.hbaseSettings().forEach((k, v) -> {
            if (!k.startsWith("hbase.client.keytab.")) {
                site.set(k, v);
            }
        });
        try (OutputStream out = Files.newOutputStream(confDir.resolve("hbase-site.xml"))) {
            site.writeXml(out);
        }
    }
}
