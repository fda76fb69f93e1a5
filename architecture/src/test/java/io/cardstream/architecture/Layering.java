package io.cardstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/** The project's layering, as rules: {@link LayeringTest} checks the main code, {@link LayeringRulesFailTest} fixtures. */
final class Layering {

    private Layering() {}

    /** The data contract and the enrichment core: pure, so unit tests need no cluster and the rules stay portable. */
    static final ArchRule PURE_CORE = noClasses()
            .that()
            .resideInAnyPackage("io.cardstream.core..", "io.cardstream.job.enrich..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.spark..", "org.apache.kafka..", "org.apache.hadoop..", "scala..")
            .because("the pure core imports no Spark, Kafka, Hadoop or HBase (STYLE.md, practice 1)");

    static final ArchRule PRODUCER_ALONE =
            apart("io.cardstream.producer..", "io.cardstream.job..", "io.cardstream.dashboard..");

    static final ArchRule JOB_ALONE =
            apart("io.cardstream.job..", "io.cardstream.producer..", "io.cardstream.dashboard..");

    static final ArchRule DASHBOARD_ALONE =
            apart("io.cardstream.dashboard..", "io.cardstream.producer..", "io.cardstream.job..");

    /** Demo and bench are leaves: clients of every piece, used by none. */
    static final ArchRule NOTHING_USES_DEMO = leaf("io.cardstream.demo..");

    static final ArchRule NOTHING_USES_BENCH = leaf("io.cardstream.bench..");

    static final List<ArchRule> ALL =
            List.of(PURE_CORE, PRODUCER_ALONE, JOB_ALONE, DASHBOARD_ALONE, NOTHING_USES_DEMO, NOTHING_USES_BENCH);

    private static ArchRule apart(String module, String... others) {
        return noClasses()
                .that()
                .resideInAPackage(module)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others)
                .because("producer, streaming job and dashboard are deployed apart and share only core and schema");
    }

    private static ArchRule leaf(String leaf) {
        return noClasses()
                .that()
                .resideOutsideOfPackage(leaf)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(leaf)
                .because("demo and bench are clients of the other modules, never a dependency of them");
    }
}
