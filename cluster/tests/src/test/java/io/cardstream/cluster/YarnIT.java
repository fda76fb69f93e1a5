package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.job.JobProcess;
import io.cardstream.localstack.LocalStackExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shaded job jar on YARN: a MiniYARNCluster (a ResourceManager and one NodeManager, loopback only) in this JVM,
 * the jar submitted with {@code SparkSubmit --master yarn} and the README's options (two executors, hbase-site.xml
 * through {@code --files}) on the assembled SPARK_HOME, in client mode (with Spark's RPC authentication and
 * encryption on) and in cluster deploy mode; 100,000 transactions,
 * each stored exactly once, by executors that ran in YARN containers; the application's final status as YARN
 * reports it.
 */
class YarnIT {

    private static final Logger LOG = LoggerFactory.getLogger(YarnIT.class);

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    private static MiniYarn yarn;

    @BeforeAll
    static void startYarn() throws Exception {
        ClusterRun.freshDirectory("yarn-it");
        yarn = MiniYarn.start("cardstream-yarn-it", MiniYarn.configuration("127.0.0.1"));
    }

    @AfterAll
    static void stopYarn() {
        if (yarn != null) {
            yarn.close();
        }
    }

    @Test
    void theShadedJarRunsOnYarnAndStoresEveryTransactionOnce() throws Exception {
        ClusterRun run = new ClusterRun(STACK, "yarn-it");
        run.prepare();
        writeHadoopConf(run.confDir());

        // Spark's own RPC authentication and AES encryption: the Kafka SASL settings travel inside serialized tasks
        List<String> args = new ArrayList<>(submitArgs(run, "client"));
        args.addAll(List.of("--conf", "spark.authenticate=true", "--conf", "spark.network.crypto.enabled=true"));
        Duration firstBatch = run.run(env(run), ClusterRun.sparkClasspath(run.confDir()), args);
        LOG.info("Submit to first batch on YARN: {} ms.", firstBatch.toMillis());

        String app = appId(run).orElseThrow();
        Map<String, Integer> tasks = yarn.executorTasks(app);
        assertThat(tasks)
                .as("executor containers and the tasks each finished")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((container, finished) -> assertThat(finished).isPositive());
        for (Path log : yarn.containerLogs(app)) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (text.contains("Starting executor ID")) {
                assertThat(text).as("executor log %s", log).contains("authentication enabled");
            }
        }
    }

    /**
     * {@code --deploy-mode cluster}: the driver in the ApplicationMaster's container; stopped by its stop file, the
     * application ends SUCCEEDED (a {@code System.exit} in {@code main} would make it FAILED, "exited early").
     */
    @Test
    void inClusterModeAStopFileEndsTheApplicationSucceeded() throws Exception {
        ClusterRun run = new ClusterRun(STACK, "yarn-cluster-it");
        run.prepare();
        writeHadoopConf(run.confDir());

        run.runInClusterMode(env(run), ClusterRun.sparkClasspath(run.confDir()), submitArgs(run, "cluster"), () -> {
            // the driver's log: the ApplicationMaster's container, the application's first
            Optional<String> app = appId(run);
            return app.isPresent() ? yarn.containerLog(app.get(), "_000001") : Optional.empty();
        });

        RMApp app = app(run).orElseThrow();
        assertThat(app.getFinalApplicationStatus())
                .as("the application's final status; diagnostics: %s", app.getDiagnostics())
                .isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(yarn.executorTasks(app.getApplicationId().toString()))
                .as("executor containers and the tasks each finished")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((container, finished) -> assertThat(finished).isPositive());
    }

    /** A job that cannot start in cluster mode: the application ends FAILED with the reason, and so does spark-submit. */
    @Test
    void inClusterModeAJobThatCannotStartEndsTheApplicationFailedWithTheReason() throws Exception {
        ClusterRun run = new ClusterRun(STACK, "yarn-cluster-fail-it");
        run.prepare();
        writeHadoopConf(run.confDir());
        List<String> jobArgs = new ArrayList<>(run.jobArgs());
        // the table was created for the packed layout: the job refuses to write another
        jobArgs.addAll(List.of("--row-layout", "wide"));

        try (JobProcess submit = JobProcess.submit(
                run.dir().resolve("spark-submit.log"),
                run.dir(),
                env(run),
                ClusterRun.sparkClasspath(run.confDir()),
                submitArgs(run, "cluster"),
                ClusterRun.jobJar(),
                jobArgs)) {
            assertThat(submit.waitFor(180))
                    .as("spark-submit ends with the application; see %s", submit.log())
                    .isTrue();
            assertThat(submit.exitValue())
                    .as("spark-submit's exit code; see %s", submit.log())
                    .isNotZero();
        }
        RMApp app = app(run).orElseThrow();
        assertThat(app.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.FAILED);
        assertThat(app.getDiagnostics().toString())
                .as("YARN's diagnostics name the refused setting")
                .contains("Invalid setting row-layout")
                .doesNotContain("exited early")
                .doesNotContain("Shutdown hook called before final status was reported");
    }

    /** The environment of spark-submit: the assembled SPARK_HOME and the cluster's configuration directory. */
    static Map<String, String> env(ClusterRun run) {
        return Map.of(
                "SPARK_HOME", ClusterRun.sparkHome().toString(),
                "HADOOP_CONF_DIR", run.confDir().toString(),
                "YARN_CONF_DIR", run.confDir().toString());
    }

    /** The README's YARN options (two executors, their size, hbase-site.xml) in {@code deployMode}. */
    static List<String> submitArgs(ClusterRun run, String deployMode) {
        return Stream.concat(
                        Stream.of(
                                "--master",
                                "yarn",
                                "--deploy-mode",
                                deployMode,
                                "--name",
                                run.name(),
                                "--num-executors",
                                "2",
                                "--driver-memory",
                                "512m",
                                "--conf",
                                "spark.dynamicAllocation.enabled=false",
                                "--conf",
                                "spark.yarn.am.memory=256m",
                                // containers do not inherit the client's environment: keep the AM (and a driver
                                // in it) and the executors on loopback
                                "--conf",
                                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                                "--conf",
                                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                                // the README's JDK 17 settings, which a cluster whose default Java is older needs
                                "--conf",
                                "spark.yarn.appMasterEnv.JAVA_HOME=" + System.getProperty("java.home"),
                                "--conf",
                                "spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"),
                                "--conf",
                                "spark.yarn.stagingDir="
                                        + run.dir().resolve("staging").toUri(),
                                "--conf",
                                "spark.ui.enabled=false"),
                        run.executorArgs().stream())
                .toList();
    }

    /** The application {@code run} submitted (it is named after the run), once the ResourceManager has it. */
    private static Optional<RMApp> app(ClusterRun run) {
        return yarn.app(run.name());
    }

    private static Optional<String> appId(ClusterRun run) {
        return app(run).map(app -> app.getApplicationId().toString());
    }

    private static void writeHadoopConf(Path confDir) throws IOException {
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", "file:///");
        yarn.writeHadoopConf(confDir, core);
    }
}
