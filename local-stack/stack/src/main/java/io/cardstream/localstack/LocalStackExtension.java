package io.cardstream.localstack;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives an integration-test class one running local stack: started before the first test, stopped after the last.
 * Data and logs go to {@code target/local-stack/<TestClass>-<time>} and are kept for a look after a failure.
 * {@link #sharedKafkaAndHBase()} gives every class of the test JVM that asks for it the same stack instead, started
 * once and stopped when the JVM's tests are done: a stack's start alone costs a 2-core machine 15 to 27 CPU-seconds.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalStackExtension STACK = LocalStackExtension.kafkaAndHBase();
 *
 * @Test
 * void producesSomething() {
 *     var props = Map.of("bootstrap.servers", STACK.bootstrapServers());
 * }
 * }</pre>
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {

    /** Test heaps: enough for the tests' data, small enough for a 2-core CI machine running several JVMs. */
    public static final String TEST_KAFKA_HEAP = "512m";

    public static final String TEST_HBASE_HEAP = "1g";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private static final ExtensionContext.Namespace SHARED =
            ExtensionContext.Namespace.create(LocalStackExtension.class);

    private final UnaryOperator<LocalStackConfig> customizer;
    private final boolean shared;
    private LocalStack stack;

    private LocalStackExtension(UnaryOperator<LocalStackConfig> customizer, boolean shared) {
        this.customizer = customizer;
        this.shared = shared;
    }

    /** Kafka and HBase. */
    public static LocalStackExtension kafkaAndHBase() {
        return new LocalStackExtension(UnaryOperator.identity(), false);
    }

    /**
     * Kafka and HBase shared by every test class of this JVM that registers this extension: started before the first
     * such class, stopped after the last test of the JVM (data and logs in {@code target/local-stack/shared-<time>}).
     * A class using it must name its own topics and groups, must not assume empty tables it did not empty itself,
     * and must neither stop nor break a service: a class that does needs a stack of its own.
     */
    public static LocalStackExtension sharedKafkaAndHBase() {
        return new LocalStackExtension(UnaryOperator.identity(), true);
    }

    /** Kafka only, for tests that need no HBase (starts in about 3 s instead of about 8). */
    public static LocalStackExtension kafkaOnly() {
        return new LocalStackExtension(c -> c.withServices(true, false), false);
    }

    /** HBase only. */
    public static LocalStackExtension hbaseOnly() {
        return new LocalStackExtension(c -> c.withServices(false, true), false);
    }

    /** A further change to the configuration, applied after the defaults and the choice of services. */
    public LocalStackExtension configure(UnaryOperator<LocalStackConfig> change) {
        if (shared) {
            throw new IllegalStateException("The shared stack has one configuration for every class that uses it.");
        }
        return new LocalStackExtension(c -> change.apply(customizer.apply(c)), false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            // the root context's store closes its resources when the JVM's tests are done
            stack = context.getRoot()
                    .getStore(SHARED)
                    .getOrComputeIfAbsent(SharedStack.class, k -> new SharedStack(start("shared")), SharedStack.class)
                    .stack();
        } else {
            stack = start(context.getRequiredTestClass().getSimpleName());
        }
    }

    private LocalStack start(String name) {
        LocalStackConfig config = LocalStackConfig.defaults(Path.of(
                        "target",
                        "local-stack",
                        name + "-" + LocalDateTime.now().format(STAMP)))
                .withHeaps(TEST_KAFKA_HEAP, TEST_HBASE_HEAP);
        return LocalStack.start(customizer.apply(config));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null && !shared) {
            stack.close();
        }
        stack = null;
    }

    private record SharedStack(LocalStack stack) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stack.close();
        }
    }

    /** The running stack; only between the class's first and last test. */
    public LocalStack stack() {
        if (stack == null) {
            throw new IllegalStateException("The local stack runs only while the test class runs.");
        }
        return stack;
    }

    public String bootstrapServers() {
        return stack().bootstrapServers();
    }

    public int zookeeperPort() {
        return stack().zookeeperPort();
    }

    /**
     * {@code hbase.zookeeper.quorum} and {@code hbase.zookeeper.property.clientPort}, for an HBase client; with
     * Kerberos also the client principal's login from its keytab ({@link LocalKdc#hbaseClientSettings}).
     */
    public Map<String, String> hbaseSettings() {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("hbase.zookeeper.quorum", stack().zookeeperQuorum());
        settings.put("hbase.zookeeper.property.clientPort", Integer.toString(stack().zookeeperPort()));
        if (stack().config().kerberos()) {
            LocalKdc kdc = stack().kerberos();
            settings.putAll(kdc.hbaseClientSettings(kdc.clientPrincipal(), kdc.clientKeytab()));
        }
        return settings;
    }
}
