package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.cardstream.localstack.LocalStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shaded job jar on a Spark standalone cluster: a Master and two Workers of one core each, every one its own JVM
 * on the assembled SPARK_HOME, the jar submitted with {@code SparkSubmit --master spark://...}; 100,000
 * transactions, each stored exactly once, and both executors (one per Worker) ran tasks.
 */
class StandaloneIT {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneIT.class);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[\\d.]+:\\d+)");
    private static final Pattern LEADER = Pattern.compile("I have been elected leader");
    private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");
    private static final Pattern TASKS = Pattern.compile("Finished task [\\d.]+ in stage");

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    private static final String NAME = "standalone-it";
    private static final List<ChildJvm> DAEMONS = new ArrayList<>();
    private static Path dir;
    private static String masterUrl;

    @BeforeAll
    static void startCluster() throws Exception {
        dir = ClusterRun.freshDirectory(NAME);
        Map<String, String> env = Map.of(
                "SPARK_HOME", ClusterRun.sparkHome().toString(),
                // the Worker's launcher asks for the Scala version even when $SPARK_HOME/jars exists
                "SPARK_SCALA_VERSION", "2.12",
                "SPARK_LOCAL_IP", "127.0.0.1",
                "SPARK_LOCAL_DIRS", dir.resolve("local").toString());
        String classpath = ClusterRun.sparkClasspath();
        ChildJvm master = ChildJvm.start("the Spark master", dir.resolve("master.log"), env, classpath,
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
        DAEMONS.add(master);
        masterUrl = master.awaitLine(MASTER_URL, Duration.ofSeconds(60)).group(1);
        master.awaitLine(LEADER, Duration.ofSeconds(60));
        for (int w = 1; w <= 2; w++) {
            ChildJvm worker = ChildJvm.start("worker " + w, dir.resolve("worker" + w + ".log"), env, classpath,
                    "org.apache.spark.deploy.worker.Worker",
                    List.of(masterUrl, "--cores", "1", "--memory", "1g", "--host", "127.0.0.1", "--port", "0",
                            "--webui-port", "0", "--work-dir", dir.resolve("work" + w).toString()));
            DAEMONS.add(worker);
        }
        for (ChildJvm worker : DAEMONS.subList(1, DAEMONS.size())) {
            worker.awaitLine(REGISTERED, Duration.ofSeconds(60));
        }
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (int i = DAEMONS.size() - 1; i >= 0; i--) {
            DAEMONS.get(i).close();
        }
    }

    @Test
    void theShadedJarRunsOnTwoWorkersAndStoresEveryTransactionOnce() throws Exception {
        ClusterRun run = new ClusterRun(STACK, NAME);
        run.prepare();

        Duration firstBatch = run.run(Map.of("SPARK_HOME", ClusterRun.sparkHome().toString()),
                ClusterRun.sparkClasspath(run.confDir()),
                List.of("--master", masterUrl, "--deploy-mode", "client", "--name", "cardstream-standalone-it",
                        "--total-executor-cores", "2", "--executor-cores", "1", "--executor-memory", "512m",
                        "--conf", "spark.streaming.stopGracefullyOnShutdown=true",
                        "--files", run.confDir().resolve("hbase-site.xml").toString(),
                        "--conf", "spark.executor.extraClassPath=.",
                        "--conf", "spark.ui.enabled=false"));
        LOG.info("Submit to first batch on the standalone cluster: {} ms.", firstBatch.toMillis());

        for (int w = 1; w <= 2; w++) {
            Map<String, Integer> tasks = executorTasks(dir.resolve("work" + w));
            assertThat(tasks).as("executors launched by worker %d and the tasks each finished", w).hasSize(1)
                    .allSatisfy((executor, finished) -> assertThat(finished).isPositive());
        }
    }

    /** app/executor -> tasks finished, from the executors' stderr in a Worker's work directory. */
    private static Map<String, Integer> executorTasks(Path workDir) throws IOException {
        Map<String, Integer> tasks = new TreeMap<>();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path stderr : files.filter(p -> p.getFileName().toString().equals("stderr"))
                    .collect(Collectors.toList())) {
                Matcher m = TASKS.matcher(Files.readString(stderr, StandardCharsets.ISO_8859_1));
                int n = 0;
                while (m.find()) {
                    n++;
                }
                tasks.put(workDir.relativize(stderr.getParent()).toString(), n);
            }
        }
        LOG.info("Executors under {} and their finished tasks: {}.", workDir.getFileName(), tasks);
        return tasks;
    }
}
