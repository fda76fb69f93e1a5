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

    private final UnaryOperator<LocalStackConfig> customizer;
    private LocalStack stack;

    private LocalStackExtension(UnaryOperator<LocalStackConfig> customizer) {
        this.customizer = customizer;
    }

    /** Kafka and HBase. */
    public static LocalStackExtension kafkaAndHBase() {
        return new LocalStackExtension(UnaryOperator.identity());
    }

    /** Kafka only, for tests that need no HBase (starts in about 3 s instead of about 8). */
    public static LocalStackExtension kafkaOnly() {
        return new LocalStackExtension(c -> c.withServices(true, false));
    }

    /** HBase only. */
    public static LocalStackExtension hbaseOnly() {
        return new LocalStackExtension(c -> c.withServices(false, true));
    }

    /** A further change to the configuration, applied after the defaults and the choice of services. */
    public LocalStackExtension configure(UnaryOperator<LocalStackConfig> change) {
        return new LocalStackExtension(c -> change.apply(customizer.apply(c)));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName() + "-" + LocalDateTime.now().format(STAMP);
        LocalStackConfig config = LocalStackConfig.defaults(Path.of("target", "local-stack", name))
                .withHeaps(TEST_KAFKA_HEAP, TEST_HBASE_HEAP);
        stack = LocalStack.start(customizer.apply(config));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (stack != null) {
            stack.close();
            stack = null;
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

    /** {@code hbase.zookeeper.quorum} and {@code hbase.zookeeper.property.clientPort}, for an HBase client. */
    public Map<String, String> hbaseSettings() {
        return Map.of("hbase.zookeeper.quorum", stack().zookeeperQuorum(),
                "hbase.zookeeper.property.clientPort", Integer.toString(stack().zookeeperPort()));
    }
}
