package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

class TxRowTest {

    private static final TxRow ROW = new TxRow(
            "5a1f-0001",
            "P000000001",
            "Zoë \"Z\" Ødegaard\\\n\u0001",
            "C0000002",
            "Café <Bistro> & Co",
            "1234567890.12",
            "EUR",
            1_733_390_000_000L,
            1_733_390_000_700L,
            1_733_390_001_000L,
            "OK");

    @Test
    void aRowReadsBackAsWrittenInEitherLayoutHostileNamesIncluded() {
        for (RowLayout layout : RowLayout.values()) {
            assertThat(TxRow.read(stored(ROW.put(layout, 7)))).as(layout.id()).isEqualTo(ROW);
        }
    }

    @Test
    void aMissingNameReadsAsNullAndOnlyTheWideLayoutClearsIt() {
        TxRow missing = new TxRow("t-2", "P9", null, "C1", null, "5.00", "EUR", 1_000, 1_700, 2_000, "BOTH_MISSING");
        for (RowLayout layout : RowLayout.values()) {
            assertThat(TxRow.read(stored(missing.put(layout, 7))))
                    .as(layout.id())
                    .isEqualTo(missing);
        }
        assertThat(missing.clearing(RowLayout.WIDE, 7)
                        .getFamilyCellMap()
                        .values()
                        .iterator()
                        .next())
                .hasSize(2);
        assertThat(missing.clearing(RowLayout.PACKED, 7)).isNull();
        assertThat(ROW.clearing(RowLayout.WIDE, 7)).isNull();
    }

    @Test
    void thePackedRowIsOneCellOfFlatJsonKeyedByTheHiveColumnsWithoutTheTxId() {
        Put put = ROW.put(RowLayout.PACKED, 42);
        assertThat(put.size()).isOne();
        Cell cell = put.getFamilyCellMap().values().iterator().next().get(0);
        assertThat(Bytes.toString(CellUtil.cloneQualifier(cell))).isEqualTo("v");
        assertThat(cell.getTimestamp()).isEqualTo(42);
        assertThat(Bytes.toString(CellUtil.cloneValue(cell)))
                .startsWith("{\"person_id\":\"P000000001\",\"person_name\":\"Zoë \\\"Z\\\" Ødegaard\\\\\\n\\u0001\"")
                .contains("\"amount\":\"1234567890.12\"", "\"event_time\":1733390000000", "\"enrich_status\":\"OK\"}")
                .doesNotContain("tx_id");
        assertThat(ROW.put(RowLayout.WIDE, 42).size()).isEqualTo(11);
        for (Column c : Schema.TX_ENRICHED.columns()) {
            assertThat(c.name().equals("tx_id")
                            || new String(ROW.json(), java.nio.charset.StandardCharsets.UTF_8)
                                    .contains("\"" + c.name() + "\":"))
                    .as(c.name())
                    .isTrue();
        }
    }

    @Test
    void aPackedCellThatIsNotAnObjectIsRefusedNamingTheRow() {
        Put put = new Put(ROW.rowKey())
                .addColumn(Schema.TX_ENRICHED.familyBytes(), Bytes.toBytes("v"), Bytes.toBytes("[1"));
        assertThatThrownBy(() -> TxRow.read(stored(put)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5a1f-0001");
    }

    private static Result stored(Put put) {
        List<Cell> cells = new ArrayList<>();
        put.getFamilyCellMap().values().forEach(cells::addAll);
        cells.sort(CellComparatorHolder.COMPARATOR);
        return Result.create(cells);
    }

    private static final class CellComparatorHolder {
        static final org.apache.hadoop.hbase.CellComparator COMPARATOR =
                org.apache.hadoop.hbase.CellComparator.getInstance();
    }
}
