package io.cardstream.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.EnrichStatus;
import io.cardstream.core.EnrichedTransaction;
import io.cardstream.core.Transaction;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnricherTest {

    private static final Transaction TX = new Transaction("t1", "P1", "C1", new BigDecimal("9.99"), "EUR", 1000L);

    private static Dimensions dims(Map<String, String> persons, Map<String, String> companies) {
        return Dimensions.of(persons::get, companies::get);
    }

    @Test
    void addsBothNamesWhenBothRowsExist() {
        EnrichedTransaction e =
                Enricher.enrich(TX, dims(Map.of("P1", "José Núñez"), Map.of("C1", "Globex")), 2000, 1500);
        assertThat(e.personName()).isEqualTo("José Núñez");
        assertThat(e.companyName()).isEqualTo("Globex");
        assertThat(e.status()).isEqualTo(EnrichStatus.OK);
        assertThat(e.transaction()).isSameAs(TX);
        assertThat(e.processedTime()).isEqualTo(2000);
        assertThat(e.batchTime()).isEqualTo(1500);
    }

    @Test
    void marksPersonMissingWhenNoPersonRowIsFound() {
        EnrichedTransaction e = Enricher.enrich(TX, dims(Map.of(), Map.of("C1", "Globex")), 2000, 1500);
        assertThat(e.status()).isEqualTo(EnrichStatus.PERSON_MISSING);
        assertThat(e.personName()).isNull();
        assertThat(e.companyName()).isEqualTo("Globex");
    }

    @Test
    void marksCompanyMissingWhenNoCompanyRowIsFound() {
        assertThat(Enricher.enrich(TX, dims(Map.of("P1", "A"), Map.of()), 0, 0).status())
                .isEqualTo(EnrichStatus.COMPANY_MISSING);
    }

    @Test
    void keepsATransactionWithNeitherRowAsBothMissing() {
        EnrichedTransaction e = Enricher.enrich(TX, dims(Map.of(), Map.of()), 0, 0);
        assertThat(e.status()).isEqualTo(EnrichStatus.BOTH_MISSING);
        assertThat(e.transaction()).isSameAs(TX);
    }
}
