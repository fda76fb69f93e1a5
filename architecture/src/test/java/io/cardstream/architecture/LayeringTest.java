package io.cardstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The main code of every module (tests and fixtures left out) keeps the layering. */
class LayeringTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cardstream");
    }

    @Test
    void everyModulesMainCodeIsImported() {
        for (String type : new String[] {
            "io.cardstream.core.TransactionCodec",
            "io.cardstream.job.enrich.Enricher",
            "io.cardstream.job.StreamingJob",
            "io.cardstream.producer.StormProducer",
            "io.cardstream.dashboard.DashboardServer",
            "io.cardstream.schema.Schema",
            "io.cardstream.demo.Demo",
            "io.cardstream.bench.BenchCommand",
            "io.cardstream.localstack.LocalStack"
        }) {
            assertThat(main.contain(type)).as(type).isTrue();
        }
        assertThat(main.stream().map(c -> c.getPackageName()).filter(p -> p.endsWith(".fixture")))
                .as("no fixture among the main classes")
                .isEmpty();
    }

    @Test
    void thePureCoreImportsNoSparkKafkaHadoopOrHBase() {
        check(Layering.PURE_CORE);
    }

    @Test
    void producerJobAndDashboardNeverDependOnOneAnother() {
        check(Layering.PRODUCER_ALONE);
        check(Layering.JOB_ALONE);
        check(Layering.DASHBOARD_ALONE);
    }

    @Test
    void nothingDependsOnDemoOrBench() {
        check(Layering.NOTHING_USES_DEMO);
        check(Layering.NOTHING_USES_BENCH);
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
