package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.job.JobProcess;
import io.cardstream.localstack.LocalStackExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
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
    private static final Pattern TASKS = Pattern.compile("Finished task [\\d.]+ in stage");

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    private static MiniYARNCluster yarn;

    @BeforeAll
    static void startYarn() throws Exception {
        ClusterRun.freshDirectory("yarn-it");
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", "file:///");
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
        conf.setInt("yarn.nodemanager.resource.memory-mb", 4096);
        conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
        conf.setInt("yarn.scheduler.minimum-allocation-mb", 64);
        // the shaded minicluster has no capacity-scheduler.xml (as in Spark's own BaseYarnClusterSuite)
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        yarn = new MiniYARNCluster("cardstream-yarn-it", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            assertThat(System.nanoTime())
                    .as("the ResourceManager got its address")
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @AfterAll
    static void stopYarn() {
        if (yarn != null) {
            yarn.stop();
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
        Map<String, Integer> tasks = executorTasks(app);
        assertThat(tasks)
                .as("executor containers and the tasks each finished")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((container, finished) -> assertThat(finished).isPositive());
        for (Path log : containerLogs(app)) {
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
            return app.isPresent() ? containerLog(app.get(), "_000001") : Optional.empty();
        });

        RMApp app = app(run).orElseThrow();
        assertThat(app.getFinalApplicationStatus())
                .as("the application's final status; diagnostics: %s", app.getDiagnostics())
                .isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(executorTasks(app.getApplicationId().toString()))
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
    private static Map<String, String> env(ClusterRun run) {
        return Map.of(
                "SPARK_HOME", ClusterRun.sparkHome().toString(),
                "HADOOP_CONF_DIR", run.confDir().toString(),
                "YARN_CONF_DIR", run.confDir().toString());
    }

    /** The README's YARN options (two executors, their size, hbase-site.xml) in {@code deployMode}. */
    private static List<String> submitArgs(ClusterRun run, String deployMode) {
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
        return yarn.getResourceManager().getRMContext().getRMApps().values().stream()
                .filter(app -> app.getName().equals(run.name()))
                .findFirst();
    }

    private static Optional<String> appId(ClusterRun run) {
        return app(run).map(app -> app.getApplicationId().toString());
    }

    /** The stderr of the application's container whose id ends with {@code suffix}, once the NodeManager made it. */
    private static Optional<Path> containerLog(String appId, String suffix) throws IOException {
        for (Path stderr : containerLogs(appId)) {
            if (stderr.getParent().getFileName().toString().endsWith(suffix)) {
                return Optional.of(stderr);
            }
        }
        return Optional.empty();
    }

    /** The stderr files of the application's containers on the NodeManager. */
    private static List<Path> containerLogs(String appId) throws IOException {
        List<Path> logs = new ArrayList<>();
        for (String logDir : yarn.getNodeManager(0).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS)) {
            Path appDir = Path.of(logDir.replaceFirst("^file:", "")).resolve(appId);
            if (Files.isDirectory(appDir)) {
                try (Stream<Path> files = Files.walk(appDir)) {
                    files.filter(p -> p.getFileName().toString().equals("stderr"))
                            .forEach(logs::add);
                }
            }
        }
        return logs;
    }

    private static void writeHadoopConf(Path confDir) throws IOException {
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", "file:///");
        try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(out);
        }
    }

    /** Container id -> tasks finished, for every container of the application whose log shows an executor. */
    private static Map<String, Integer> executorTasks(String appId) throws IOException {
        Map<String, Integer> tasks = new java.util.TreeMap<>();
        for (Path stderr : containerLogs(appId)) {
            String log = Files.readString(stderr, StandardCharsets.ISO_8859_1);
            if (log.contains("Starting executor ID")) {
                Matcher m = TASKS.matcher(log);
                int n = 0;
                while (m.find()) {
                    n++;
                }
                tasks.put(stderr.getParent().getFileName().toString(), n);
            }
        }
        LOG.info("Executor containers of {} and their finished tasks: {}.", appId, tasks);
        return tasks;
    }
}
