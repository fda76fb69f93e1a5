package io.cardstream.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Each layering rule can fail: checked against a fixture that breaks it, it names the offending dependency. */
class LayeringRulesFailTest {

    @Test
    void thePureCoreRuleFailsOnACoreClassThatUsesKafka() {
        assertFails(Layering.PURE_CORE, io.cardstream.job.enrich.fixture.EnrichesWithKafka.class, "org.apache.kafka");
    }

    @Test
    void theApartRulesFailOnAModuleThatUsesAnother() {
        assertFails(
                Layering.PRODUCER_ALONE, io.cardstream.producer.fixture.ProducesWithTheJob.class, "io.cardstream.job");
        assertFails(Layering.JOB_ALONE, io.cardstream.job.fixture.JobWithTheDashboard.class, "io.cardstream.dashboard");
        assertFails(
                Layering.DASHBOARD_ALONE,
                io.cardstream.dashboard.fixture.DashboardWithTheProducer.class,
                "io.cardstream.producer");
    }

    @Test
    void theLeafRulesFailOnAModuleThatUsesDemoOrBench() {
        assertFails(
                Layering.NOTHING_USES_DEMO,
                io.cardstream.dashboard.fixture.DashboardWithTheDemo.class,
                "io.cardstream.demo");
        assertFails(
                Layering.NOTHING_USES_BENCH,
                io.cardstream.producer.fixture.ProducesWithTheBench.class,
                "io.cardstream.bench");
    }

    private static void assertFails(ArchRule rule, Class<?> fixture, String named) {
        JavaClasses classes = new ClassFileImporter().importClasses(fixture);
        assertThatThrownBy(() -> rule.check(classes))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(fixture.getName())
                .hasMessageContaining(named);
    }
}
