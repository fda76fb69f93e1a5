package io.cardstream.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * docker-compose.yml run by Debian's docker-compose against a real engine: podman, through its Docker-compatible API
 * on the socket DOCKER_HOST names (else one of its own), with runc and no forced ulimit
 * ({@code docker/engine/containers.conf}), the base image made from Debian's packages when no registry answers
 * ({@code docker/engine/base-image.sh}), and the containers' healthchecks run every two seconds until each has
 * passed once (podman runs them from systemd timers, and these machines have no systemd; Docker would go on checking
 * every interval, but the tests ask only that each service became healthy, and HiveServer2's check is a JVM). Every
 * compose command and its output goes to {@code target/PROJECT/commands.log}, the services' logs to
 * {@code services.log} there. {@link #close} takes the project down with its volumes and stops the engine's API
 * service.
 */
final class ComposeStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeStack.class);
    static final Path ROOT = Path.of(System.getProperty("cardstream.root", ".."))
            .toAbsolutePath()
            .normalize();

    private final String project;
    private final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final Path socket;
    private final Process service;
    private final Set<String> passed = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService healthChecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "compose-healthchecks");
        t.setDaemon(true);
        return t;
    });

    private ComposeStack(String project, Path dir, Map<String, String> settings) throws Exception {
        this.project = project;
        this.dir = dir;
        // the socket this JVM's DOCKER_HOST names (the pom sets one, for Testcontainers too), else one of its own;
        // a socket's path has at most 107 bytes: not under a checkout's directory, which may be deep
        String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "");
        this.socket = dockerHost.startsWith("unix://")
                ? Path.of(dockerHost.substring("unix://".length()))
                : Files.createTempDirectory("cardstream-podman").resolve("podman.sock");
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket); // a killed run's
        env.put("CONTAINERS_CONF", ROOT.resolve("docker/engine/containers.conf").toString());
        env.put("DOCKER_HOST", "unix://" + socket);
        env.putAll(settings);
        run(
                Duration.ofMinutes(10),
                true,
                List.of("bash", ROOT.resolve("docker/engine/base-image.sh").toString()));
        ProcessBuilder api = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("podman-service.log").toFile());
        api.environment().putAll(env);
        service = api.start();
        await("podman's API service opens " + socket + "; see " + dir.resolve("podman-service.log"))
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(service.isAlive())
                            .as("podman's API service runs")
                            .isTrue();
                    return Files.exists(socket);
                });
        healthChecks.scheduleWithFixedDelay(this::runHealthChecks, 0, 2, TimeUnit.SECONDS);
    }

    /**
     * A stack for {@code project}, its logs in {@code target/NAME}; skipped when no engine is installed, unless
     * {@code CARDSTREAM_REQUIRE_CONTAINERS} is set (CI), where that fails.
     */
    static ComposeStack start(String project, Map<String, String> settings) throws Exception {
        boolean present = onPath("podman") && onPath("docker-compose");
        if (System.getenv("CARDSTREAM_REQUIRE_CONTAINERS") != null) {
            assertThat(present)
                    .as("podman and docker-compose are installed (.ci/run installs them)")
                    .isTrue();
        }
        Assumptions.assumeTrue(present, "podman and docker-compose are not installed");
        Path dir = Path.of("target", project).toAbsolutePath();
        Files.createDirectories(dir);
        return new ComposeStack(project, dir, settings);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A free TCP port of this machine, for a published port of the file. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code docker-compose -p PROJECT -f docker-compose.yml ARGS}; fails naming the log when it exits non-zero. */
    String compose(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "docker-compose",
                "-p",
                project,
                "-f",
                ROOT.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        return run(timeout, true, command);
    }

    /** {@code podman ARGS}, with this stack's settings; not recorded in commands.log (polls would flood it). */
    String podman(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return run(timeout, false, command);
    }

    /** The container of {@code service} (the first, as compose names it). */
    String container(String service) {
        return project + "_" + service + "_1";
    }

    /** The engine's own state of a container: {@code .State.Health.Status}, or {@code .State.Status}. */
    String state(String service, String field) throws Exception {
        return podman(Duration.ofSeconds(30), "inspect", "--format", "{{" + field + "}}", container(service))
                .trim();
    }

    /** Polls the engine until each of {@code services} reports {@code healthy}; fails naming those that do not. */
    void awaitHealthy(Duration timeout, List<String> services) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, String> health = new TreeMap<>();
            for (String s : services) {
                health.put(s, state(s, ".State.Health.Status"));
            }
            assertThat(health)
                    .as("the engine's health of each service; see %s", dir)
                    .allSatisfy((s, h) -> assertThat(h).isEqualTo("healthy"));
        });
        LOG.info("Every service with a healthcheck is healthy: {}.", services);
    }

    /** Polls until the one-shot {@code service} has exited; returns its exit code. */
    int awaitExit(String service, Duration timeout) throws Exception {
        await(service + " exits; see " + dir)
                .atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> state(service, ".State.Status").equals("exited"));
        return Integer.parseInt(state(service, ".State.ExitCode"));
    }

    /** One round: every running container of the project whose check has not passed yet has it run once. */
    private void runHealthChecks() {
        try {
            String names = podman(
                    Duration.ofSeconds(30),
                    "ps",
                    "--filter",
                    "label=com.docker.compose.project=" + project,
                    "--format",
                    "{{.Names}}");
            for (String name : names.strip().split("\\s+")) {
                // exit 0 for healthy, 1 for unhealthy, 125 for a container without a check
                if (!name.isEmpty() && !passed.contains(name) && !healthChecks.isShutdown()) {
                    if (quietly(List.of("podman", "healthcheck", "run", name)) == 0) {
                        passed.add(name);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            LOG.debug("A round of healthchecks failed.", e);
        }
    }

    /** Runs {@code command} with its output discarded; its exit code, or -1 if it ran past a minute. */
    private int quietly(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = builder.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private String run(Duration timeout, boolean record, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "cmd-", ".log");
        builder.redirectOutput(out.toFile());
        Process p = builder.start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        if (record) {
            Files.writeString(
                    dir.resolve("commands.log"),
                    "$ " + String.join(" ", command) + "\n" + output + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        if (!done) {
            p.destroyForcibly();
            fail("%s did not finish within %s; see %s", command, timeout, dir.resolve("commands.log"));
        }
        if (p.exitValue() != 0) {
            fail("%s exited %d: %s", command, p.exitValue(), output.strip());
        }
        return output;
    }

    /** Every service's output, for a failed run's reader. */
    void saveLogs() {
        try {
            Files.writeString(
                    dir.resolve("services.log"),
                    compose(Duration.ofMinutes(2), "logs", "--no-color", "--timestamps"),
                    StandardCharsets.UTF_8);
        } catch (Exception e) {
            LOG.warn("The services' logs could not be saved.", e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            saveLogs();
            compose(Duration.ofMinutes(5), "down", "-v", "--remove-orphans", "--timeout", "30");
        } finally {
            healthChecks.shutdownNow();
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            Files.deleteIfExists(socket);
        }
    }
}
