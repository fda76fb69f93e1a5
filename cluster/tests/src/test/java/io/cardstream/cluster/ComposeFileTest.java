package io.cardstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.cardstream.core.Topics;
import io.cardstream.localstack.LocalStackConfig;
import io.cardstream.schema.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml against the project: every mounted file and build context lives in the repository, every
 * image is pinned to the project's versions, and the topics, tables, hosts and ports the services are given are
 * the ones the code and the other services use. Also {@code docker-compose config -q}, when installed (CI installs
 * it and sets CARDSTREAM_REQUIRE_DOCKER_COMPOSE=1, which turns a missing tool into a failure).
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("cardstream.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final Pattern FROM =
            Pattern.compile("^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        // as docker-compose reads it with none of the file's variables set: ${NAME:-default} is the default
        String file =
                Files.readString(ROOT.resolve("docker-compose.yml")).replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
        Map<String, Object> compose = new Yaml().load(file);
        services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).as("services of docker-compose.yml").isNotEmpty();
    }

    @Test
    void hasEveryPartOfThePipeline() {
        assertThat(services)
                .containsKeys(
                        "kafka",
                        "hbase",
                        "spark-master",
                        "spark-worker",
                        "job",
                        "producer",
                        "hiveserver2",
                        "hive-ddl",
                        "hue",
                        "dashboard");
    }

    @Test
    void mountsOnlyFilesThatLiveInTheRepository() {
        List<String> sources = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Object volume : list(service.get("volumes"))) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
                    assertThat(source).as("mount of %s", name).startsWith("./");
                    assertThat(ROOT.resolve(source).normalize())
                            .as("mount %s of %s", source, name)
                            .exists()
                            .startsWith(ROOT);
                    sources.add(source);
                }
            }
        });
        assertThat(sources).contains("./docker/conf/hbase-site.xml", "./hive-ddl/src/main/hql");
    }

    @Test
    void pinsEveryImageToTheProjectsVersions() throws IOException {
        Map<String, String> images = new HashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String image = (String) e.getValue().get("image");
            assertThat(image)
                    .as("image of %s", e.getKey())
                    .isNotNull()
                    .matches("[^:]+:[^:]+")
                    .doesNotEndWith(":latest");
            images.put(e.getKey(), image);
            if (e.getValue().get("build") instanceof Map<?, ?> build) {
                Path context = ROOT.resolve((String) build.get("context")).normalize();
                Object dockerfile = build.get("dockerfile");
                Path file = dockerfile == null ? context.resolve("Dockerfile") : context.resolve((String) dockerfile);
                assertThat(file).as("Dockerfile of %s", e.getKey()).isRegularFile();
                assertPinnedBaseImages(file);
            }
        }
        // the images built here carry the jars of the project's own versions (docker/pom.xml stages them)
        String version = System.getProperty("cardstream.version");
        assertThat(images.get("kafka")).isEqualTo("cardstream/kafka:" + System.getProperty("kafka.version"));
        assertThat(images.get("spark-master"))
                .isEqualTo(images.get("spark-worker"))
                .isEqualTo("cardstream/spark:" + System.getProperty("spark.version"));
        assertThat(images.get("hiveserver2"))
                .isEqualTo(images.get("hive-ddl"))
                .isEqualTo("cardstream/hive:" + System.getProperty("hive.version"));
        String hbase = System.getProperty("hbase.version").replace("-hadoop3", "");
        assertThat(images.get("hbase")).isEqualTo("cardstream/hbase:" + hbase);
        assertThat(images.get("job")).isEqualTo("cardstream/job:" + version);
        for (String tool : List.of("setup", "producer", "dashboard")) {
            assertThat(images.get(tool)).as("image of %s", tool).isEqualTo("cardstream/tools:" + version);
        }
        // the job's image is the cluster's Spark image plus the job's jar: one Dockerfile, two targets
        assertThat(services.get("job").get("build"))
                .isEqualTo(Map.of("context", "./docker/images/spark", "target", "job"));
        assertThat(services.get("spark-master").get("build"))
                .isEqualTo(Map.of("context", "./docker/images/spark", "target", "spark"));
        assertThat(Files.readString(ROOT.resolve("docker/images/spark/Dockerfile")))
                .contains("FROM spark AS job");
    }

    /**
     * The stack comes up on its own and heals: every long-running service built here has a healthcheck and a restart
     * policy, and every dependency waits for health (or, on the one-shot setup, for its success).
     */
    @Test
    void waitsForHealthAndRestarts() {
        List<String> oneShots = List.of("setup", "hive-ddl");
        for (String name :
                List.of("kafka", "hbase", "spark-master", "spark-worker", "job", "dashboard", "hiveserver2")) {
            assertThat(services.get(name)).as("service %s", name).containsKey("healthcheck");
        }
        services.forEach((name, service) -> {
            if (service.get("healthcheck") instanceof Map<?, ?> check
                    && list(check.get("test")).get(0).equals("CMD")) {
                // podman runs a CMD check's arguments joined and split again on spaces
                assertThat(list(check.get("test")))
                        .as("%s's healthcheck arguments", name)
                        .allSatisfy(arg -> assertThat(arg.toString()).doesNotContain(" "));
            }
        });
        services.forEach((name, service) -> {
            if (!oneShots.contains(name) && !name.equals("hue")) {
                assertThat(service.get("restart"))
                        .as("restart policy of %s", name)
                        .isIn("unless-stopped", "on-failure");
            }
            if (service.get("depends_on") instanceof Map<?, ?> dependsOn) {
                dependsOn.forEach((dependency, how) -> {
                    Object condition = ((Map<?, ?>) how).get("condition");
                    if (oneShots.contains(dependency)) {
                        assertThat(condition)
                                .as("%s waits for %s", name, dependency)
                                .isEqualTo("service_completed_successfully");
                    } else if (services.get(dependency).containsKey("healthcheck")) {
                        assertThat(condition)
                                .as("%s waits for %s", name, dependency)
                                .isEqualTo("service_healthy");
                    }
                });
            } else if (!name.equals("hue")) {
                assertThat(service.get("depends_on"))
                        .as("%s's depends_on, with conditions", name)
                        .isNull();
            }
        });
        assertThat(services.get("hive-ddl").get("depends_on").toString()).contains("setup", "hiveserver2");
        assertThat(services.get("hue").get("depends_on").toString()).contains("hiveserver2", "service_healthy");
    }

    @Test
    void usesTheProjectsTopicsAndTables() {
        List<String> topics = optionValues("--topic");
        assertThat(topics).containsOnly(Topics.TRANSACTIONS, Topics.DEAD_LETTER).contains(Topics.DEAD_LETTER);
        assertThat(optionValues("job", "--topic")).containsExactly(Topics.TRANSACTIONS);
        assertThat(optionValues("job", "--dlq-topic")).containsExactly(Topics.DEAD_LETTER);
        assertThat(optionValues("producer", "--topic")).containsExactly(Topics.TRANSACTIONS);

        Set<String> tables =
                Schema.TABLES.stream().map(t -> t.tableName().getNameAsString()).collect(Collectors.toSet());
        Map<String, List<String>> tableOptions = new LinkedHashMap<>();
        services.keySet().forEach(s -> {
            List<String> args = args(s);
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).endsWith("-table")) {
                    tableOptions.computeIfAbsent(s, k -> new ArrayList<>()).add(args.get(i + 1));
                }
            }
        });
        assertThat(tableOptions).containsKeys("job", "dashboard");
        tableOptions.values().forEach(values -> assertThat(values).isSubsetOf(tables));
        assertThat(String.join(" ", args("hive-ddl"))).contains("/opt/cardstream/hql/create-tables.hql");
    }

    @Test
    void pointsEveryClientAtTheRightHostAndPort() throws IOException {
        // Kafka: clients inside the network use the INTERNAL listener, the host the published EXTERNAL one
        Map<String, Object> kafka = env("kafka");
        Map<String, String> advertised = listeners((String) kafka.get("KAFKA_ADVERTISED_LISTENERS"));
        Map<String, String> bound = listeners((String) kafka.get("KAFKA_LISTENERS"));
        String internal = advertised.get("INTERNAL");
        assertThat(internal).startsWith("kafka:");
        assertThat(port(bound.get("INTERNAL"))).isEqualTo(port(internal));
        assertThat(ports("kafka")).containsEntry(port(advertised.get("EXTERNAL")), port(bound.get("EXTERNAL")));
        assertThat(optionValues("--bootstrap-servers")).isNotEmpty().containsOnly(internal);

        // HBase: the clients' hbase-site.xml names the server's host and ZooKeeper port
        Configuration client = site("docker/conf/hbase-site.xml");
        Configuration server = site("docker/hbase/hbase-site.xml");
        assertThat(client.get("hbase.zookeeper.quorum"))
                .isEqualTo(services.get("hbase").get("hostname"))
                .isEqualTo(server.get("hbase.zookeeper.quorum"));
        assertThat(client.get("hbase.zookeeper.property.clientPort"))
                .isEqualTo(server.get("hbase.zookeeper.property.clientPort"));
        assertThat(ports("hbase")).containsKey(server.get("hbase.zookeeper.property.clientPort"));
        // standalone HBase binds its ZooKeeper to loopback unless told otherwise
        assertThat(server.get("hbase.zookeeper.property.clientPortAddress")).isEqualTo("0.0.0.0");

        // Spark: the worker and the job reach the master where it listens
        List<String> master = args("spark-master");
        String masterUrl =
                "spark://" + master.get(master.indexOf("--host") + 1) + ":" + master.get(master.indexOf("--port") + 1);
        assertThat(args("spark-worker")).contains(masterUrl);
        assertThat(optionValues("job", "--master")).containsExactly(masterUrl);
        assertThat(optionValues("job", "--files")).containsExactly("/opt/cardstream/conf/hbase-site.xml");

        // the dashboard listens on the port that is published, on all interfaces of its container
        assertThat(ports("dashboard"))
                .containsValue(optionValues("dashboard", "--port").get(0));
        assertThat(optionValues("dashboard", "--bind")).containsExactly("0.0.0.0");

        // HiveServer2: the DDL runner and Hue use its published port
        String hiveUrl = "jdbc:hive2://hiveserver2:10000";
        assertThat(ports("hiveserver2")).containsValue("10000");
        assertThat(String.join(" ", args("hive-ddl"))).contains(hiveUrl);
        Properties hue = new Properties();
        hue.load(new java.io.StringReader(
                Files.readString(ROOT.resolve("docker/hue/hue.ini")).replaceAll("(?m)^\\s+", "")));
        assertThat(hue.getProperty("hive_server_host"))
                .isEqualTo(services.get("hiveserver2").get("hostname"));
        assertThat(hue.getProperty("hive_server_port")).isEqualTo("10000");
    }

    /** Nothing is published beyond this machine: every port a user reaches is bound to 127.0.0.1. */
    @Test
    void publishesEveryPortOnLoopbackOnly() {
        Map<String, List<String>> published = new java.util.TreeMap<>();
        services.forEach((name, service) -> {
            List<String> ports =
                    list(service.get("ports")).stream().map(Object::toString).toList();
            if (!ports.isEmpty()) {
                published.put(name, ports);
            }
        });
        assertThat(published).as("services publishing ports").containsKeys("kafka", "dashboard", "hiveserver2");
        published.forEach((name, ports) -> assertThat(ports)
                .as("ports of %s", name)
                .allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:")));
    }

    @Test
    void givesHBaseTheLocalStacksTuning() {
        Configuration server = site("docker/hbase/hbase-site.xml");
        LocalStackConfig.HBASE_TUNING.forEach((key, value) -> assertThat(server.get(key))
                .as("docker/hbase/hbase-site.xml: %s", key)
                .isEqualTo(value));
    }

    @Test
    void isValidForDockerCompose() throws Exception {
        Path tool = Path.of("/usr/bin/docker-compose");
        boolean required = "1".equals(System.getenv("CARDSTREAM_REQUIRE_DOCKER_COMPOSE"));
        if (!required) {
            assumeThat(tool)
                    .as("docker-compose is installed (Debian package docker-compose)")
                    .isExecutable();
        }
        assertThat(tool)
                .as("docker-compose (CARDSTREAM_REQUIRE_DOCKER_COMPOSE=1)")
                .isExecutable();
        Process p = new ProcessBuilder(tool.toString(), "config", "-q")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("docker-compose config -q: %s", output).isZero();
    }

    private static void assertPinnedBaseImages(Path dockerfile) throws IOException {
        Set<String> stages = new java.util.HashSet<>();
        Matcher m = FROM.matcher(Files.readString(dockerfile));
        while (m.find()) {
            String base = m.group(1);
            if (!stages.contains(base)) {
                assertThat(base)
                        .as("FROM in %s", ROOT.relativize(dockerfile))
                        .matches("[^:]+:[^:]+")
                        .doesNotEndWith(":latest");
            }
            if (m.group(2) != null) {
                stages.add(m.group(2));
            }
        }
    }

    private static Configuration site(String path) {
        Configuration conf = new Configuration(false);
        conf.addResource(new org.apache.hadoop.fs.Path(ROOT.resolve(path).toUri()));
        return conf;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    /** NAME://host:port,... -> NAME -> host:port */
    private static Map<String, String> listeners(String value) {
        return java.util.Arrays.stream(value.split(","))
                .map(l -> l.split("://", 2))
                .collect(Collectors.toMap(a -> a[0], a -> a[1]));
    }

    private static String port(String hostPort) {
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    /** published -> container port of a service */
    private static Map<String, String> ports(String service) {
        return list(services.get(service).get("ports")).stream()
                .map(p -> p.toString().split(":"))
                .collect(Collectors.toMap(a -> a[a.length - 2], a -> a[a.length - 1]));
    }

    /** The words of a service's command (and entrypoint), a folded shell string split on white space. */
    private static List<String> args(String service) {
        List<String> words = new ArrayList<>();
        for (String key : List.of("entrypoint", "command")) {
            Object value = services.get(service).get(key);
            for (Object part : value instanceof List<?> l ? l : value == null ? List.of() : List.of(value)) {
                for (String w : part.toString().trim().split("\\s+")) {
                    words.add(w);
                }
            }
        }
        return words;
    }

    private static List<String> optionValues(String service, String option) {
        List<String> args = args(service);
        List<String> values = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals(option)) {
                values.add(args.get(i + 1));
            }
        }
        return values;
    }

    private static List<String> optionValues(String option) {
        return services.keySet().stream()
                .flatMap(s -> optionValues(s, option).stream())
                .collect(Collectors.toList());
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
