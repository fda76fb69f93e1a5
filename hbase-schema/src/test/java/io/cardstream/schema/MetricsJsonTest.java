package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsJsonTest {

    @Test
    void companiesReadBackAsWrittenHostileNamesAndNullIncluded() {
        List<MetricsJson.Company> top = List.of(
                new MetricsJson.Company("C1", "<b>\"Shop\"</b>\n", "10.50", 2),
                new MetricsJson.Company("C2", null, "1.00", 1));
        String json = MetricsJson.companies(top);
        assertThat(json).startsWith("[{\"companyId\":\"C1\"");
        assertThat(MetricsJson.readCompanies(json)).isEqualTo(top);
    }

    @Test
    void aSampleReadsBackAsWrittenAndAnEntryNamingOnlyItsTransactionReadsWithNulls() {
        List<MetricsJson.SampleTx> sample = List.of(
                new MetricsJson.SampleTx("t1", "Ann", "ACME", "9.99", "EUR", 1_000, 2_000, "OK"),
                MetricsJson.SampleTx.of("t2"));
        assertThat(MetricsJson.readSample(MetricsJson.sample(sample))).isEqualTo(sample);
        assertThat(MetricsJson.readSample("[{\"txId\":\"t3\",\"extra\":{\"a\":[1]}}]"))
                .containsExactly(MetricsJson.SampleTx.of("t3"));
        assertThat(MetricsJson.readSample("[]")).isEmpty();
    }

    @Test
    void anythingButAnArrayIsRefused() {
        assertThatThrownBy(() -> MetricsJson.readSample("{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricsJson.readCompanies("[{\"companyId\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Not well-formed");
    }
}
