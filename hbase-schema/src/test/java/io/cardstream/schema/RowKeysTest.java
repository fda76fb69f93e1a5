package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowKeysTest {

    @Test
    void saltIsCrc32OfTheTxIdModSixteenAsTwoHexDigits() {
        // CRC-32 of "abc" is 0x352441C2; 0x352441C2 mod 16 = 2
        assertThat(RowKeys.txEnriched("abc")).isEqualTo("02-abc");
        assertThat(RowKeys.txIdOf("02-abc")).isEqualTo("abc");
    }

    @Test
    void theKeyDependsOnlyOnTheTransactionSoAReplayOverwrites() {
        assertThat(RowKeys.txEnriched("5a1f0c2b9e3d-00000000002a"))
                .isEqualTo(RowKeys.txEnriched("5a1f0c2b9e3d-00000000002a"));
    }

    @Test
    void saltsSpreadKeysOverAllSixteenRegionsEvenly() {
        Map<String, Integer> perSalt = new TreeMap<>();
        for (int i = 0; i < 160_000; i++) {
            perSalt.merge(RowKeys.txEnriched("tx-" + i).substring(0, 2), 1, Integer::sum);
        }
        assertThat(perSalt).hasSize(16);
        assertThat(perSalt.values()).allSatisfy(n -> assertThat(n).isBetween(9_000, 11_000));
    }

    @Test
    void batchKeysSortNewestFirstAndRoundTrip() {
        List<String> keys = new ArrayList<>();
        for (long t : new long[] {1_795_567_257_000L, 1_795_567_258_000L, 1_795_567_258_500L}) {
            keys.add(RowKeys.batchMetrics(t));
        }
        assertThat(keys).allSatisfy(k -> assertThat(k).hasSize(19));
        assertThat(keys.get(2)).isLessThan(keys.get(1));
        assertThat(keys.get(1)).isLessThan(keys.get(0));
        assertThat(RowKeys.batchTimeOf(keys.get(1))).isEqualTo(1_795_567_258_000L);
    }
}
