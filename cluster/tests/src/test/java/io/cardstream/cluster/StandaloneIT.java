package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.localstack.LocalStackExtension;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shaded job jar on a Spark standalone cluster: a Master and two Workers of one core each, every one its own JVM
 * on the assembled SPARK_HOME, the Workers on two addresses (127.0.0.2 and 127.0.0.3: two hosts to Spark), the jar
 * submitted with {@code SparkSubmit --master spark://...}; 100,000 transactions, each stored exactly once, and both
 * executors (one per Worker) ran tasks. Then the same with an executor killed right after a partition committed, and
 * with speculation on and a first attempt held up until its copy ran on the other host.
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
                "SPARK_HOME",
                ClusterRun.sparkHome().toString(),
                // the Worker's launcher asks for the Scala version even when $SPARK_HOME/jars exists
                "SPARK_SCALA_VERSION",
                System.getProperty("cardstream.spark.scala.version", "2.12"),
                "SPARK_LOCAL_IP",
                "127.0.0.1",
                "SPARK_LOCAL_DIRS",
                localDir("master").toString());
        String classpath = ClusterRun.sparkClasspath();
        ChildJvm master = ChildJvm.start(
                "the Spark master",
                dir.resolve("master.log"),
                env,
                classpath,
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
        DAEMONS.add(master);
        masterUrl = master.awaitLine(MASTER_URL, Duration.ofSeconds(60)).group(1);
        master.awaitLine(LEADER, Duration.ofSeconds(60));
        for (int w = 1; w <= 2; w++) {
            // a host of its own: Spark runs a speculative copy only on another host than the attempt it copies
            String host = "127.0.0." + (w + 1);
            Map<String, String> workerEnv = new java.util.HashMap<>(env);
            workerEnv.put("SPARK_LOCAL_IP", host);
            workerEnv.put("SPARK_LOCAL_DIRS", localDir("worker" + w).toString());
            ChildJvm worker = ChildJvm.start(
                    "worker " + w,
                    workerLog(w),
                    workerEnv,
                    classpath,
                    "org.apache.spark.deploy.worker.Worker",
                    List.of(
                            masterUrl,
                            "--cores",
                            "1",
                            "--memory",
                            "1g",
                            "--host",
                            host,
                            "--port",
                            "0",
                            "--webui-port",
                            "0",
                            "--work-dir",
                            dir.resolve("work" + w).toString()));
            DAEMONS.add(worker);
        }
        for (ChildJvm worker : DAEMONS.subList(1, DAEMONS.size())) {
            worker.awaitLine(REGISTERED, Duration.ofSeconds(60));
        }
    }

    /**
     * A daemon's own SPARK_LOCAL_DIRS, made before it starts. A Worker makes its local root directory when it first
     * launches an executor, and a root that a concurrent {@code mkdirs} made first counts as failed and is ignored for
     * the Worker's life ("Failed to create dir in ... Ignoring this directory."): both Workers launching the first
     * application's executors at once on one shared, not yet existing directory can leave one of them failing every
     * launch. That is what a CI run showed (no executor ever on 127.0.0.3; the kill scenario's driver gone, which is
     * the master removing an application after ten failed launches); a Worker given an unusable local directory fails
     * this IT's three tests with the same three messages.
     */
    private static Path localDir(String daemon) throws IOException {
        return Files.createDirectories(dir.resolve("local").resolve(daemon));
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
        // the Workers serve the other tests' applications too: this test looks at its own
        List<Map<String, Integer>> before =
                List.of(executorTasks(dir.resolve("work1")), executorTasks(dir.resolve("work2")));

        Duration firstBatch = run.run(
                Map.of("SPARK_HOME", ClusterRun.sparkHome().toString()),
                ClusterRun.sparkClasspath(run.confDir()),
                submitArgs(run, "cardstream-standalone-it", List.of()));
        LOG.info("Submit to first batch on the standalone cluster: {} ms.", firstBatch.toMillis());

        for (int w = 1; w <= 2; w++) {
            Map<String, Integer> tasks = executorTasks(dir.resolve("work" + w));
            tasks.keySet().removeAll(before.get(w - 1).keySet());
            assertThat(tasks)
                    .as("executors launched by worker %d and the tasks each finished; see %s", w, workerLog(w))
                    .hasSize(1)
                    .allSatisfy((executor, finished) -> assertThat(finished).isPositive());
        }
    }

    /**
     * An executor's JVM dies (halt, as by SIGKILL) right after the first attempt of partition 0 committed: Spark runs
     * the task again on an executor that is left, which finds the range committed and does nothing; every record is
     * stored or dead-lettered once.
     */
    @Test
    void anExecutorKilledRightAfterACommitLosesAndRepeatsNothing() throws Exception {
        String driver = runWithFault("standalone-kill-it", "AFTER_COMMIT", "halt", List.of());
        assertThat(driver).as("the driver saw the executor lost").containsPattern("Lost executor \\d+");
        assertThat(driver)
                .as("and a later attempt of the task")
                .containsPattern("Task \\d+ of stage \\d+, attempt [1-9], ended");
    }

    /**
     * Speculation on: the first attempt of partition 0 waits 20 s before its commit, so Spark runs a speculative copy
     * of it on the other host (TaskInfo.speculative). Of the two, one commits; every record is stored or
     * dead-lettered once.
     */
    @Test
    void aSpeculativeCopyOnTheOtherHostLeavesEveryRecordOnce() throws Exception {
        String driver = runWithFault(
                "standalone-speculation-it",
                "AFTER_DEAD_LETTERS",
                "sleep",
                List.of(
                        "--conf",
                        "spark.speculation=true",
                        "--conf",
                        "spark.speculation.interval=200ms",
                        "--conf",
                        "spark.speculation.quantile=0.5",
                        "--conf",
                        "spark.speculation.multiplier=2",
                        "--conf",
                        "spark.speculation.minTaskRuntime=2s"));
        assertThat(driver)
                .as("a speculative copy ran on one of the two hosts")
                .containsPattern("Task \\d+ of stage \\d+, attempt [1-9] \\(a speculative copy\\), ended on"
                        + " 127\\.0\\.0\\.[23]");
    }

    /**
     * Runs the scenario (every record accounted for) with the executors' fault hook set to {@code action} at
     * {@code step} of partition 0's first attempt, once; asserts it fired and returns the driver's log.
     */
    private static String runWithFault(String name, String step, String action, List<String> extraArgs)
            throws Exception {
        Path marker = ClusterRun.freshDirectory(name).resolve("fault-fired");
        ClusterRun run = new ClusterRun(STACK, name);
        run.prepare();
        List<String> args = new ArrayList<>(faultOptions(step, action, marker));
        args.addAll(extraArgs);
        run.run(
                Map.of("SPARK_HOME", ClusterRun.sparkHome().toString()),
                ClusterRun.sparkClasspath(run.confDir()),
                submitArgs(run, name, args));
        assertThat(marker)
                .as("the fault (%s at %s) fired in an executor", action, step)
                .exists();
        return Files.readString(run.dir().resolve("spark-submit.log"), StandardCharsets.ISO_8859_1);
    }

    private static List<String> faultOptions(String step, String action, Path marker) {
        return List.of(
                "--conf",
                "spark.executor.extraJavaOptions=-Dcardstream.test.fault.step=" + step
                        + " -Dcardstream.test.fault.partition=0 -Dcardstream.test.fault.action=" + action
                        + " -Dcardstream.test.fault.millis=20000 -Dcardstream.test.fault.marker=" + marker);
    }

    private static List<String> submitArgs(ClusterRun run, String name, List<String> extra) {
        List<String> args = new ArrayList<>(List.of(
                "--master",
                masterUrl,
                "--deploy-mode",
                "client",
                "--name",
                name,
                "--total-executor-cores",
                "2",
                "--conf",
                "spark.ui.enabled=false"));
        args.addAll(run.executorArgs());
        args.addAll(extra);
        return args;
    }

    private static Path workerLog(int w) {
        return dir.resolve("worker" + w + ".log");
    }

    /** app/executor -> tasks finished, from the executors' stderr in a Worker's work directory. */
    private static Map<String, Integer> executorTasks(Path workDir) throws IOException {
        Map<String, Integer> tasks = new TreeMap<>();
        if (!Files.isDirectory(workDir)) {
            return tasks;
        }
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
