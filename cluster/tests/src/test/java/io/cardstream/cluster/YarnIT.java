package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalStackExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shaded job jar on YARN: a MiniYARNCluster (a ResourceManager and one NodeManager, loopback only) in this JVM,
 * the jar submitted with {@code SparkSubmit --master yarn --deploy-mode client} and the README's options (two
 * executors, hbase-site.xml through {@code --files}) on the assembled SPARK_HOME; 100,000 transactions, each stored
 * exactly once, by executors that ran in YARN containers.
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

        Duration firstBatch = run.run(
                Map.of(
                        "SPARK_HOME", ClusterRun.sparkHome().toString(),
                        "HADOOP_CONF_DIR", run.confDir().toString(),
                        "YARN_CONF_DIR", run.confDir().toString()),
                ClusterRun.sparkClasspath(run.confDir()),
                Stream.concat(
                                Stream.of(
                                        "--master",
                                        "yarn",
                                        "--deploy-mode",
                                        "client",
                                        "--name",
                                        "cardstream-yarn-it",
                                        "--num-executors",
                                        "2",
                                        "--conf",
                                        "spark.dynamicAllocation.enabled=false",
                                        "--conf",
                                        "spark.yarn.am.memory=256m",
                                        // containers do not inherit the client's environment: keep the AM and
                                        // executors on loopback
                                        "--conf",
                                        "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
                                        "--conf",
                                        "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                                        "--conf",
                                        "spark.yarn.stagingDir="
                                                + run.dir().resolve("staging").toUri(),
                                        "--conf",
                                        "spark.ui.enabled=false"),
                                run.executorArgs().stream())
                        .toList());
        LOG.info("Submit to first batch on YARN: {} ms.", firstBatch.toMillis());

        Map<String, Integer> tasks = executorTasks();
        assertThat(tasks)
                .as("executor containers and the tasks each finished")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy((container, finished) -> assertThat(finished).isPositive());
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

    /** Container id -> tasks finished, for every container of the NodeManager whose log shows an executor. */
    private static Map<String, Integer> executorTasks() throws IOException {
        Map<String, Integer> tasks = new java.util.TreeMap<>();
        for (String logDir : yarn.getNodeManager(0).getConfig().getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS)) {
            try (Stream<Path> files = Files.walk(Path.of(logDir.replaceFirst("^file:", "")))) {
                for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr"))
                        .collect(Collectors.toList())) {
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
            }
        }
        LOG.info("Executor containers and their finished tasks: {}.", tasks);
        return tasks;
    }
}
