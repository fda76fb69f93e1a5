package io.cardstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting and stopping leaves nothing behind, and a start that cannot succeed says which service and why. */
class LocalStackLifecycleIT {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackLifecycleIT.class);

    private final Path dataDir = Path.of("target", "local-stack", "LocalStackLifecycleIT-" + System.nanoTime());
    private final LocalStackConfig config = LocalStackConfig.defaults(dataDir)
            .withHeaps(LocalStackExtension.TEST_KAFKA_HEAP, LocalStackExtension.TEST_HBASE_HEAP);

    @AfterEach
    void noChildJvmIsLeft() {
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
                .as("processes started by this test JVM that are still running")
                .isEmpty();
    }

    @Test
    void startsAndStopsThreeTimesInOneJvmLeavingNoProcessOrPortBehind() throws IOException {
        List<Integer> ports = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            try (LocalStack stack = LocalStack.start(config)) {
                assertThat(stack.isRunning()).isTrue();
                ports.add(Integer.parseInt(stack.bootstrapServers().substring("127.0.0.1:".length())));
                ports.add(stack.zookeeperPort());
                pids.addAll(stack.pids().values());
                LOG.info(
                        "Round {}: ready after {} ms; resident memory {} bytes.",
                        round,
                        stack.readyMillis(),
                        stack.residentBytes());
            }
        }
        assertThat(pids).hasSize(6).doesNotHaveDuplicates();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("child JVM %d", pid)
                    .isEmpty();
        }
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
                assertThat(socket.isBound()).as("port %d is free again", port).isTrue();
            }
        }
    }

    @Test
    void aTakenBrokerPortFailsTheStartNamingKafkaAndShowingItsLog() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTheStartFailsNamingItsLog(
                    "Kafka", config.withServices(true, false).withPorts(taken.getLocalPort(), 0, 0));
        }
    }

    @Test
    void aTakenZooKeeperPortFailsTheStartNamingHBaseAndShowingItsLog() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTheStartFailsNamingItsLog(
                    "HBase", config.withServices(false, true).withPorts(0, 0, taken.getLocalPort()));
        }
    }

    /** Starting {@code onATakenPort} fails naming {@code service} and quoting the bind error from its log. */
    private static void assertTheStartFailsNamingItsLog(String service, LocalStackConfig onATakenPort) {
        assertThatThrownBy(() -> LocalStack.start(onATakenPort))
                .isInstanceOfSatisfying(
                        LocalStackException.class, e -> assertThat(e.service()).isEqualTo(service))
                .hasMessageContaining("The " + service + " JVM exited")
                .hasMessageContaining("last lines of the " + service + " log")
                .hasMessageContaining("Address already in use");
    }

    @Test
    void aServiceThatIsNotReadyInTimeIsKilledAndNamed() {
        LocalStackConfig impatient =
                config.withServices(false, true).withStartTimeout(java.time.Duration.ofMillis(500));
        assertThatThrownBy(() -> LocalStack.start(impatient))
                .isInstanceOfSatisfying(
                        LocalStackException.class, e -> assertThat(e.service()).isEqualTo("HBase"))
                .hasMessageContaining("was not ready within");
    }
}
