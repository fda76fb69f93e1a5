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

    @Test
    void writesAFieldARecordComponentInItsOrderNumbersAsNumbers() {
        String json = MetricsJson.companies(List.of(new MetricsJson.Company("c-1", "Café \"Premium\"", "12.50", 3)));
        assertThat(json)
                .isEqualTo("[{\"companyId\":\"c-1\",\"name\":\"Café \\\"Premium\\\"\",\"amount\":\"12.50\","
                        + "\"transactions\":3}]");
        List<MetricsJson.SampleTx> sample =
                List.of(new MetricsJson.SampleTx("tx-1", "王芳", "Żabka", "9.99", "PLN", 1_000L, 1_700L, "OK"));
        assertThat(MetricsJson.sample(sample))
                .isEqualTo("[{\"txId\":\"tx-1\",\"personName\":\"王芳\",\"companyName\":\"Żabka\",\"amount\":\"9.99\","
                        + "\"currency\":\"PLN\",\"eventTime\":1000,\"processedTime\":1700,\"status\":\"OK\"}]");
    }

    @Test
    void anAbsentNumberReadsAsZeroAndAFieldOfAnotherTypeIsLeftOut() {
        assertThat(MetricsJson.readCompanies("[{\"companyId\":\"c-9\",\"transactions\":\"many\",\"later\":true}]"))
                .containsExactly(new MetricsJson.Company("c-9", null, null, 0));
    }
}
