package io.cardstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardServerTest {

    @Test
    void decodesQueryParametersAndKeepsTheFirstOfARepeatedOne() {
        Map<String, String> q = DashboardServer.query(URI.create("/api/metrics?last=5&x=a%20b&last=9&flag"));
        assertThat(q).containsEntry("last", "5").containsEntry("x", "a b").containsEntry("flag", "");
    }

    @Test
    void defaultsAnAbsentIntegerAndRejectsOneOutOfRangeNamingIt() {
        assertThat(DashboardServer.intParam(Map.of(), "last", 120, 1, 3600)).isEqualTo(120);
        assertThat(DashboardServer.intParam(Map.of("last", " 7 "), "last", 120, 1, 3600))
                .isEqualTo(7);
        assertThatThrownBy(() -> DashboardServer.intParam(Map.of("last", "3601"), "last", 120, 1, 3600))
                .hasMessageContaining("last")
                .hasMessageContaining("1 to 3600");
        assertThatThrownBy(() -> DashboardServer.intParam(Map.of("last", "1e3"), "last", 120, 1, 3600))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsChartJsInItsWebJar() {
        String resource = DashboardServer.chartScriptResource();
        assertThat(resource).startsWith("META-INF/resources/webjars/chart.js/").endsWith("/dist/chart.umd.js");
        assertThat(getClass().getClassLoader().getResource(resource)).isNotNull();
    }
}
