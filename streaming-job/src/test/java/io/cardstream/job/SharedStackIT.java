package io.cardstream.job;

import io.cardstream.localstack.LocalStackExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An integration test of the job on the test JVM's one shared stack (a real Kafka broker and a real HBase, started
 * once for every class that extends this), with a fixture over it. Tests that stop or reconfigure a service keep a
 * stack of their own instead.
 */
abstract class SharedStackIT {

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.sharedKafkaAndHBase();

    final JobFixture fixture = new JobFixture(STACK);

    /** The test class's own logger. */
    final Logger log = LoggerFactory.getLogger(getClass());
}
