package io.cardstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DimensionIdsTest {

    @Test
    void padsToTheContractsWidths() {
        assertThat(DimensionIds.personId(123456)).isEqualTo("P000123456");
        assertThat(DimensionIds.companyId(4242)).isEqualTo("C0004242");
        assertThat(DimensionIds.personId(0)).isEqualTo("P000000000");
    }

    @Test
    void growsPastTheWidthInsteadOfTruncating() {
        assertThat(DimensionIds.companyId(12_345_678)).isEqualTo("C12345678");
    }

    @Test
    void rejectsANegativeNumber() {
        assertThatThrownBy(() -> DimensionIds.personId(-1)).hasMessageContaining("-1");
    }
}
