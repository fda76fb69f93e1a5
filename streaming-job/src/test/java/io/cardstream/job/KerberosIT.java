package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalKdc;
import io.cardstream.localstack.LocalStackExtension;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.schema.HBaseConnections;
import io.cardstream.schema.Schema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kerberos end to end, with a real KDC (the local stack's Apache Kerby): HBase takes only Kerberos clients, the
 * broker has a SASL_PLAINTEXT/GSSAPI listener, and every command logs in with the client principal's keytab through
 * the standard settings: {@code KRB5_CONFIG} (java.security.krb5.conf), {@code HBASE_CONF_DIR} with the stack's
 * {@code hbase-site.xml} ({@code hbase.client.keytab.*}), and Kafka's {@code sasl.jaas.config} (Krb5LoginModule).
 * The schema tool and the loader make the tables, the producer sends the storm, the job stores it, the dashboard
 * reads it; the producer with a principal the KDC does not know exits 1 naming its setting, and so does the job, for
 * Kafka and then for HBase, at start, naming the
 * setting, storing and committing nothing; a batch that fails (its table disabled) stops the job; and no log of any of
 * these shows the inline PEM key or the JAAS line every job's configuration holds. Kerberos state is global to a JVM: this class runs in a JVM of its own
 * (the pom's {@code kerberos} execution), which logs in too, to check HBase's rows.
 */
class KerberosIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("kerberos");
    private static final String WRONG = "intruder@" + LocalKdc.REALM;
    private static final long COUNT = 20_000;
    private static final GeneratorConfig GENERATED = new GeneratorConfig(91, 1_000, 100, 0, 0.01, 0.01);
    /** An inline PEM private key (Kafka's ssl.keystore.key) in every job's configuration: no log may show it. */
    private static final String PEM_BODY =
            "MIIEv" + UUID.randomUUID().toString().replace("-", "");

    private static final String JAAS_TEXT = "Krb5LoginModule required";
    private static Path dir;

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase().configure(c -> c.withKerberos(true));

    private static final JobFixture FIXTURE = new JobFixture(STACK);

    @BeforeAll
    static void prepare() throws Exception {
        dir = JobFixture.freshDirectory("kerberos-it");
        // before this JVM's first Kerberos login (the fixture's HBase reads): krb5.conf exists once the KDC runs
        System.setProperty(
                "java.security.krb5.conf", STACK.stack().kerberos().krb5Conf().toString());
        // the topics through the stack's own PLAINTEXT listener: creating them is not what is tested here
        FIXTURE.topics(RUN.topic(), 2, RUN.dlq());
    }

    @Test
    void everyCommandLogsInWithTheKeytabAndAWrongPrincipalFailsAtStartStoringNothing() throws Exception {
        LocalKdc kdc = STACK.stack().kerberos();

        assertCommand(List.of("schema", "create"), "schema.log", 0);
        assertCommand(
                List.of("load-dimensions", "--persons", "1000", "--companies", "100", "--seed", "1"), "load.log", 0);
        List<String> storm = List.of(
                "--rate",
                "10000",
                "--seed",
                "91",
                "--persons",
                "1000",
                "--companies",
                "100",
                "--bad-ratio",
                "0.01",
                "--unknown-ratio",
                "0.01");
        assertCommand(produce(kdc.kafkaClientFile(), COUNT, storm), "produce.log", 0);

        // the producer with a principal the KDC does not know
        StringBuilder wrongClient = new StringBuilder();
        LocalKdc.kafkaClientProperties(WRONG, kdc.clientKeytab())
                .forEach((k, v) -> wrongClient
                        .append(k)
                        .append('=')
                        .append(v.replace("\\", "\\\\"))
                        .append('\n'));
        assertCommand(
                produce(Files.writeString(dir.resolve("wrong-client.properties"), wrongClient), 10, List.of()),
                "produce-refused.log",
                1);
        assertThat(Files.readString(dir.resolve("produce-refused.log")))
                .contains("The producer's login for the Kafka broker at "
                        + STACK.stack().kerberosBootstrapServers())
                .contains("check sasl.jaas.config");

        // the job with a principal the KDC does not know: for Kafka, then for HBase
        String kafkaRefused = refusedJob("job-kafka-refused", jobConfig(WRONG, kdc.clientPrincipal()));
        assertThat(kafkaRefused)
                .contains("Invalid setting kafka-prop sasl.jaas.config")
                .contains("login for Kafka at " + STACK.stack().kerberosBootstrapServers() + " failed");
        String hbaseRefused = refusedJob("job-hbase-refused", jobConfig(kdc.clientPrincipal(), WRONG));
        assertThat(hbaseRefused)
                .contains("Invalid setting hbase.client.keytab.principal")
                .contains("Kerberos login of " + WRONG);
        assertThat(FIXTURE.committed(RUN.group()))
                .as("offsets committed by the refused jobs")
                .isEmpty();
        assertThat(FIXTURE.countRows("")).as("rows stored by the refused jobs").isZero();

        try (JobProcess job = JobProcess.submit(
                dir.resolve("job.log"),
                Path.of("."),
                Map.of("JDK_JAVA_OPTIONS", krb5JavaOptions()),
                Files.readString(Path.of("target", "spark-classpath.txt")).trim(),
                List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"),
                JobProcess.shadedJar(),
                List.of(
                        "--config",
                        jobConfig(kdc.clientPrincipal(), kdc.clientPrincipal()).toString()))) {
            FIXTURE.awaitCommittedToLogEnd(RUN.group(), RUN.topic(), 2, Duration.ofSeconds(180), job::isAlive);
            assertThat(job.terminate(90)).isTrue();
            assertThat(job.output())
                    .contains("kafka-prop sasl.jaas.config=********")
                    .contains("kafka-prop sasl.mechanism=GSSAPI");
        }
        FIXTURE.assertEveryRecordAccountedFor(
                GENERATED, COUNT, JobFixture.sentByAnotherProcess(GENERATED, COUNT), RUN.topic(), RUN.dlq());

        assertDashboardReadsTheRows();

        // a failed batch: the transactions table disabled under the job, 100 records more
        try (Connection c = HBaseConnections.open(FIXTURE.hbase());
                Admin admin = c.getAdmin()) {
            admin.disableTable(Schema.TX_ENRICHED.tableName());
        }
        FIXTURE.produce(RUN.topic(), new GeneratorConfig(92, 1_000, 100, 0, 0, 0), 100, 1_000);
        // HBase's client gives up on the disabled table's regions after 2 tries, not 16 (minutes)
        String failed = refusedJob(
                "job-failed-batch",
                jobConfig(kdc.clientPrincipal(), kdc.clientPrincipal(), "hbase-conf.hbase.client.retries.number=2"));
        assertThat(failed).contains("The job stops").contains("tx_enriched");

        // no log of a start, a refused start or a failed batch shows the PEM key or the JAAS line
        List<Path> logs = new ArrayList<>(STACK.stack().logFiles().values());
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.toString().endsWith(".log")).forEach(logs::add);
        }
        assertThat(logs).hasSize(11);
        for (Path log : logs) {
            assertThat(Files.readString(log, StandardCharsets.ISO_8859_1))
                    .as("log %s", log)
                    .isNotEmpty()
                    .doesNotContain(PEM_BODY)
                    .doesNotContain(JAAS_TEXT);
        }
    }

    /** bin/cardstream dashboard on a free port, logged in by the same hbase-site.xml: its API returns the job's totals. */
    private static void assertDashboardReadsTheRows() throws Exception {
        Path log = dir.resolve("dashboard.log");
        Process dashboard = cardstream(List.of("dashboard", "--port", "0"), log);
        try {
            Pattern url = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:\\d+)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Matcher m = url.matcher("");
            while (!m.find()) {
                assertThat(dashboard.isAlive())
                        .as("the dashboard runs; see %s", log)
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("the dashboard printed its address; see %s", log)
                        .isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(200);
                m = url.matcher(Files.readString(log, StandardCharsets.UTF_8));
            }
            HttpResponse<String> top = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(m.group(1) + "/api/top-merchants?seconds=3600&limit=3"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(top.statusCode())
                    .as("GET /api/top-merchants: %s", top.body())
                    .isEqualTo(200);
            assertThat(top.body())
                    .as("the merchant totals the dashboard read from the job's batch rows")
                    .contains("\"companyId\":\"C0000");
        } finally {
            dashboard.destroy();
            dashboard.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The job's --config for the GSSAPI listener, Kafka's login as {@code kafkaPrincipal}, HBase's as
     * {@code hbasePrincipal}, with {@code more} lines.
     */
    private static Path jobConfig(String kafkaPrincipal, String hbasePrincipal, String... more) throws IOException {
        LocalKdc kdc = STACK.stack().kerberos();
        StringBuilder text = new StringBuilder()
                .append("bootstrap-servers=")
                .append(STACK.stack().kerberosBootstrapServers())
                .append("\ntopic=")
                .append(RUN.topic())
                .append("\ndlq-topic=")
                .append(RUN.dlq())
                .append("\ngroup-id=")
                .append(RUN.group())
                .append("\n");
        LocalKdc.kafkaClientProperties(kafkaPrincipal, kdc.clientKeytab())
                .forEach((k, v) -> text.append("kafka-prop.")
                        .append(k)
                        .append('=')
                        .append(v.replace("\\", "\\\\"))
                        .append('\n'));
        // escaped line breaks: the properties file gives the job the key's three lines
        text.append("kafka-prop.ssl.keystore.key=-----BEGIN PRIVATE KEY-----\\n")
                .append(PEM_BODY)
                .append("\\n-----END PRIVATE KEY-----\n");
        STACK.hbaseSettings()
                .forEach((k, v) -> text.append("hbase-conf.")
                        .append(k)
                        .append('=')
                        .append(k.equals("hbase.client.keytab.principal") ? hbasePrincipal : v)
                        .append('\n'));
        for (String line : more) {
            text.append(line).append('\n');
        }
        return Files.writeString(
                dir.resolve("job-" + kafkaPrincipal.charAt(0) + hbasePrincipal.charAt(0) + more.length + ".properties"),
                text);
    }

    /** Runs the job with {@code config}, which must fail (exit 1) at start or in its first batch; returns its output. */
    private static String refusedJob(String name, Path config) throws Exception {
        try (JobProcess job = JobProcess.submit(
                dir.resolve(name + ".log"),
                Path.of("."),
                Map.of("JDK_JAVA_OPTIONS", krb5JavaOptions()),
                Files.readString(Path.of("target", "spark-classpath.txt")).trim(),
                List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"),
                JobProcess.shadedJar(),
                List.of("--config", config.toString()))) {
            assertThat(job.waitFor(120))
                    .as("the refused job exits; see %s", job.log())
                    .isTrue();
            assertThat(job.exitValue()).as("see %s", job.log()).isEqualTo(1);
            return job.output();
        }
    }

    /** bin/cardstream produce's arguments: {@code count} records to the GSSAPI listener, logged in by {@code client}. */
    private static List<String> produce(Path client, long count, List<String> more) {
        List<String> args = new ArrayList<>(List.of(
                "produce",
                "--bootstrap-servers",
                STACK.stack().kerberosBootstrapServers(),
                "--producer-config",
                client.toString(),
                "--topic",
                RUN.topic(),
                "--count",
                Long.toString(count)));
        args.addAll(more);
        return args;
    }

    /** The job's JVM options (JDK_JAVA_OPTIONS, which the java launcher reads): this JVM's, and the krb5.conf. */
    private static String krb5JavaOptions() {
        String inherited = System.getenv().getOrDefault("JDK_JAVA_OPTIONS", "");
        return (inherited + " -Djava.security.krb5.conf="
                        + STACK.stack().kerberos().krb5Conf())
                .trim();
    }

    /** bin/cardstream with KRB5_CONFIG and HBASE_CONF_DIR set to the stack's client files; it must exit with {@code rc}. */
    private static void assertCommand(List<String> args, String logName, int rc) throws Exception {
        Path log = dir.resolve(logName);
        Process p = cardstream(args, log);
        assertThat(p.waitFor(180, TimeUnit.SECONDS))
                .as("bin/cardstream %s exits; see %s", args.get(0), log)
                .isTrue();
        assertThat(p.exitValue())
                .as("bin/cardstream %s; see %s", args.get(0), log)
                .isEqualTo(rc);
    }

    private static Process cardstream(List<String> args, Path log) throws IOException {
        Path root = JobProcess.repositoryRoot();
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/cardstream").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        LocalKdc kdc = STACK.stack().kerberos();
        pb.environment().put("CARDSTREAM_SKIP_BUILD", "1");
        pb.environment().put("KRB5_CONFIG", kdc.krb5Conf().toString());
        pb.environment().put("HBASE_CONF_DIR", kdc.hbaseSiteFile().getParent().toString());
        return pb.start();
    }
}
