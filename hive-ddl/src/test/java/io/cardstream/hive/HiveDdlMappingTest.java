package io.cardstream.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.schema.Column;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import io.cardstream.schema.TxRow;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Hive DDL maps every table and column exactly as hbase-schema defines them: one source of truth. */
class HiveDdlMappingTest {

    private static final Pattern TABLE = Pattern.compile(
            "CREATE EXTERNAL TABLE IF NOT EXISTS cardstream\\.(\\w+) \\(\\n(.*?)\\n\\)\\n", Pattern.DOTALL);
    private static final Pattern COLUMN = Pattern.compile("^\\s*(\\w+) ([A-Z]+(?:\\(\\d+,\\d+\\))?)(?=[\\s,]|$).*$");
    private static final Pattern MAPPING = Pattern.compile("'hbase\\.columns\\.mapping' = '([^']+)'");
    private static final Pattern HBASE_TABLE = Pattern.compile("'hbase\\.table\\.name' = '([^']+)'");

    @Test
    void everyTableOfTheSchemaIsMappedWithItsQualifiersNamesAndTypes() throws Exception {
        assertThat(mapped("create-tables.hql")).containsExactlyInAnyOrder("person", "company", "batch_metrics");
        assertThat(mapped("tx-enriched-wide.hql")).containsExactly("tx_enriched");
    }

    @Test
    void thePackedTransactionsAreOneCellUnderAViewOfEveryColumnWithItsType() throws Exception {
        List<String> statements = HqlFiles.statements(HqlFiles.DIR.resolve("create-tables.hql"));
        String cells = statements.stream()
                .filter(st -> st.startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS cardstream.tx_enriched_cells "))
                .findFirst()
                .orElseThrow();
        assertThat(cells)
                .contains("'hbase.columns.mapping' = ':key," + Schema.TX_ENRICHED.family() + ":"
                        + TxRow.PACKED_QUALIFIER + "'")
                .contains("'hbase.table.name' = '"
                        + Schema.TX_ENRICHED.tableName().getNameAsString() + "'");
        String view = statements.stream()
                .filter(st -> st.startsWith("CREATE VIEW IF NOT EXISTS cardstream.tx_enriched "))
                .findFirst()
                .orElseThrow();
        List<String> names = new ArrayList<>();
        Matcher declared = Pattern.compile("^  (\\w+)(?: COMMENT '[^']*')?,?$", Pattern.MULTILINE)
                .matcher(view.substring(0, view.indexOf("AS SELECT")));
        while (declared.find()) {
            names.add(declared.group(1));
        }
        List<String> expected = new ArrayList<>(List.of("row_key"));
        Schema.TX_ENRICHED.columns().forEach(c -> expected.add(c.name()));
        assertThat(names).isEqualTo(expected);
        String select = view.substring(view.indexOf("AS SELECT"));
        List<String> expressions = new ArrayList<>(List.of("row_key", "substr(row_key, 4)"));
        for (Column c : Schema.TX_ENRICHED.columns()) {
            if (c.name().equals("tx_id")) {
                continue;
            }
            String json = "get_json_object(v, '$." + c.name() + "')";
            expressions.add(c.hiveType().equals("STRING") ? json : "CAST(" + json + " AS " + c.hiveType() + ")");
        }
        assertThat(select)
                .isEqualToIgnoringWhitespace(
                        "AS SELECT " + String.join(", ", expressions) + " FROM cardstream.tx_enriched_cells");
    }

    /** The tables {@code file} maps, each checked against the schema. */
    private static List<String> mapped(String file) throws Exception {
        List<String> statements = HqlFiles.statements(HqlFiles.DIR.resolve(file));
        List<String> mapped = new ArrayList<>();
        for (String statement : statements) {
            Matcher table = TABLE.matcher(statement);
            if (!table.find() || table.group(1).equals("tx_enriched_cells")) {
                continue;
            }
            TableSpec spec = Schema.TABLES.stream()
                    .filter(t -> t.name().equals(table.group(1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("The DDL creates " + table.group(1) + ", not in Schema"));
            mapped.add(spec.name());

            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (String line : table.group(2).split("\n")) {
                Matcher column = COLUMN.matcher(line);
                assertThat(column.matches()).as("column line: %s", line).isTrue();
                names.add(column.group(1));
                types.add(column.group(2));
            }
            List<String> expectedNames = new ArrayList<>(List.of("row_key"));
            List<String> expectedTypes = new ArrayList<>(List.of("STRING"));
            StringBuilder expectedMapping = new StringBuilder(":key");
            for (Column c : spec.columns()) {
                expectedNames.add(c.name());
                expectedTypes.add(c.hiveType());
                expectedMapping.append(',').append(spec.family()).append(':').append(c.qualifier());
            }
            assertThat(names).as("columns of %s", spec.name()).isEqualTo(expectedNames);
            assertThat(types).as("types of %s", spec.name()).isEqualTo(expectedTypes);

            Matcher mapping = MAPPING.matcher(statement);
            assertThat(mapping.find()).isTrue();
            assertThat(mapping.group(1))
                    .as("hbase.columns.mapping of %s", spec.name())
                    .isEqualTo(expectedMapping.toString());
            Matcher hbaseTable = HBASE_TABLE.matcher(statement);
            assertThat(hbaseTable.find()).isTrue();
            assertThat(hbaseTable.group(1)).isEqualTo(spec.tableName().getNameAsString());
            assertThat(statement).contains("STORED BY 'org.apache.hadoop.hive.hbase.HBaseStorageHandler'");
        }
        return mapped;
    }
}
