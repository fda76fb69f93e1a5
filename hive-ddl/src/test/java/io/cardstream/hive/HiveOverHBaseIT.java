package io.cardstream.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.schema.RowKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped Hive DDL and queries, unchanged, on real Hive 3.1.3 against a real HBase 2.5 holding rows written
 * with the project's own row codec, in the packed layout (the view of create-tables.hql) and then in the wide one
 * (the table of tx-enriched-wide.hql): the facade Hue and Impala users see really reads what the job writes.
 */
class HiveOverHBaseIT {

    private static final long T0 = 1_795_567_257_123L;
    private static Map<String, List<String>> results;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    static void runHiveOverHBase() throws Exception {
        Path work =
                Path.of("target", "hive-it", Long.toString(System.nanoTime())).toAbsolutePath();
        results = IsolatedHive.run(
                "io.cardstream.hive.HiveHBaseScenario",
                HqlFiles.DIR.toAbsolutePath().toString(),
                work.toString());
    }

    @Test
    void declaresTypedColumnsOverTheHBaseTableInEitherRowLayout() {
        for (String layout : List.of("", "wide:")) {
            assertThat(results.get(layout + "describe"))
                    .as("%sdescribe", layout)
                    .anySatisfy(r -> assertThat(r).matches("amount\\s+decimal\\(12,2\\).*"))
                    .anySatisfy(r -> assertThat(r).matches("event_time\\s+bigint.*"))
                    .anySatisfy(r -> assertThat(r).matches("row_key\\s+string.*"));
        }
    }

    @Test
    void theWideLayoutsFacadeAnswersEveryQueryAsThePackedOnesView() {
        List<String> keys = results.keySet().stream()
                .filter(k -> results.containsKey("wide:" + k) && !k.equals("describe"))
                .toList();
        assertThat(keys).contains("all", "byKey", "aggregate", "queries.hql#1", "queries.hql#7");
        for (String k : keys) {
            assertThat(results.get("wide:" + k)).as(k).isEqualTo(results.get(k));
        }
    }

    @Test
    void selectReturnsEveryRowWithItsValuesAndNullForAMissingName() {
        assertThat(results.get("all"))
                .containsExactlyInAnyOrder(
                        RowKeys.txEnriched("tx-0001") + "\ttx-0001\tJosé Núñez\tCafé <Bistro> & Co\t12.50\tEUR\t" + T0
                                + "\tOK",
                        RowKeys.txEnriched("tx-0002") + "\ttx-0002\tZoë Ødegaard\tGlobex\t99.99\tEUR\t" + (T0 + 1000)
                                + "\tOK",
                        RowKeys.txEnriched("tx-0003") + "\ttx-0003\tNULL\tGlobex\t5.00\tEUR\t" + (T0 + 2000)
                                + "\tPERSON_MISSING");
    }

    @Test
    void aRowKeyPredicateFindsOneRowAndTheTypesDoArithmetic() {
        assertThat(results.get("byKey")).containsExactly("Zoë Ødegaard\t199.98\t" + (T0 + 1001));
    }

    @Test
    void theSaltCanBeComputedInHiveFromTheTxId() {
        assertThat(results.get("byComputedKey")).containsExactly("tx-0003");
    }

    @Test
    void anAggregateRunsAsALocalMapReduceJob() {
        assertThat(results.get("aggregate")).containsExactly("Café <Bistro> & Co\t1\t12.50", "Globex\t2\t104.99");
    }

    @Test
    void batchMetricsListTheNewestBatchFirst() {
        assertThat(results.get("newestBatch")).containsExactly(T0 + "\t3\t850\t117.49");
    }

    @Test
    void everyShippedHueQueryRuns() {
        assertThat(results).containsKeys("queries.hql#1", "queries.hql#7");
        assertThat(results.get("queries.hql#2")).as("top spenders").hasSize(3);
        assertThat(results.get("queries.hql#3"))
                .as("missing-dimension rate")
                .containsExactlyInAnyOrder("OK\t2\t66.67", "PERSON_MISSING\t1\t33.33");
        assertThat(results.get("queries.hql#7"))
                .as("volume per category")
                .containsExactlyInAnyOrder("Electronics\t2\t104.99", "Restaurants\t1\t12.50");
    }

    @Test
    void aMappingToAFamilyHBaseDoesNotHaveIsRejected() {
        assertThat(results.get("unknownFamily").get(0)).contains("zz").containsIgnoringCase("not defined");
    }
}
