package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MiniYARNCluster in the test JVM (a ResourceManager and one NodeManager of 4 GB and 4 cores, on {@code host}),
 * what the YARN ITs ask of it, and the client configuration spark-submit reads from {@code HADOOP_CONF_DIR}.
 */
final class MiniYarn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MiniYarn.class);
    private static final Pattern TASKS = Pattern.compile("Finished task [\\d.]+ in stage");

    private final MiniYARNCluster yarn;

    private MiniYarn(MiniYARNCluster yarn) {
        this.yarn = yarn;
    }

    /** The cluster's settings on {@code host}, before any the caller adds (security, for one). */
    static YarnConfiguration configuration(String host) {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", "file:///");
        conf.set("yarn.resourcemanager.hostname", host);
        conf.set("yarn.nodemanager.hostname", host);
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
        return conf;
    }

    /** Starts the cluster with {@code conf} and waits until the ResourceManager has its address. */
    static MiniYarn start(String name, YarnConfiguration conf) throws InterruptedException {
        MiniYARNCluster yarn = new MiniYARNCluster(name, 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            assertThat(System.nanoTime())
                    .as("the ResourceManager got its address")
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new MiniYarn(yarn);
    }

    /** The application named {@code name} ({@code --name}), once the ResourceManager has it. */
    Optional<RMApp> app(String name) {
        return yarn.getResourceManager().getRMContext().getRMApps().values().stream()
                .filter(app -> app.getName().equals(name))
                .findFirst();
    }

    /** The stderr of the application's container whose id ends with {@code suffix}, once the NodeManager made it. */
    Optional<Path> containerLog(String appId, String suffix) throws IOException {
        for (Path stderr : containerLogs(appId)) {
            if (stderr.getParent().getFileName().toString().endsWith(suffix)) {
                return Optional.of(stderr);
            }
        }
        return Optional.empty();
    }

    /** The stderr files of the application's containers on the NodeManager. */
    List<Path> containerLogs(String appId) throws IOException {
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

    /** Container id -> tasks finished, for every container of the application whose log shows an executor. */
    Map<String, Integer> executorTasks(String appId) throws IOException {
        Map<String, Integer> tasks = new TreeMap<>();
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

    /** core-site.xml ({@code core}'s settings) and yarn-site.xml (the running cluster's) in {@code confDir}. */
    void writeHadoopConf(Path confDir, Configuration core) throws IOException {
        try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
            core.writeXml(out);
        }
        try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(out);
        }
    }

    @Override
    public void close() {
        yarn.stop();
    }
}
