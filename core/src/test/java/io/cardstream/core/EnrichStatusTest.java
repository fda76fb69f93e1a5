package io.cardstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnrichStatusTest {

    @Test
    void namesWhichDimensionIsMissing() {
        assertThat(EnrichStatus.of(true, true)).isEqualTo(EnrichStatus.OK);
        assertThat(EnrichStatus.of(false, true)).isEqualTo(EnrichStatus.PERSON_MISSING);
        assertThat(EnrichStatus.of(true, false)).isEqualTo(EnrichStatus.COMPANY_MISSING);
        assertThat(EnrichStatus.of(false, false)).isEqualTo(EnrichStatus.BOTH_MISSING);
    }
}
