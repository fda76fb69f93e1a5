package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void theCommittedShellScriptIsTheOneTheCodeRenders() throws Exception {
        String committed = Files.readString(Path.of("src/main/hbase/create-schema.hbase"), StandardCharsets.UTF_8);
        assertThat(committed)
                .as("hbase-schema/src/main/hbase/create-schema.hbase is stale: regenerate it with"
                        + " bin/cardstream schema shell-script > hbase-schema/src/main/hbase/create-schema.hbase")
                .isEqualTo(SchemaManager.shellScript());
    }

    @Test
    void qualifiersAndColumnNamesAreUniqueWithinEachTable() {
        for (TableSpec t : Schema.TABLES) {
            assertThat(t.columns().stream().map(Column::qualifier)).as(t.name()).doesNotHaveDuplicates();
            assertThat(t.columns().stream().map(Column::name)).as(t.name()).doesNotHaveDuplicates();
        }
    }

    @Test
    void txEnrichedIsPreSplitOnItsSixteenSalts() {
        assertThat(Schema.TX_ENRICHED.splits()).hasSize(15).startsWith("01").endsWith("0f");
        for (int i = 0; i < 1000; i++) {
            String salt = RowKeys.txEnriched("t" + i).substring(0, 2);
            assertThat(salt).matches("0[0-9a-f]");
        }
    }

    @Test
    void txEnrichedHasTheFieldsOfTheDesign() {
        assertThat(Schema.TX_ENRICHED.columns().stream().map(Column::name))
                .containsExactly(
                        "tx_id",
                        "person_id",
                        "person_name",
                        "company_id",
                        "company_name",
                        "amount",
                        "currency",
                        "event_time",
                        "processed_time",
                        "batch_time",
                        "enrich_status");
    }
}
