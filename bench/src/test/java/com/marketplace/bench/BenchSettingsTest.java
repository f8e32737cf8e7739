package com.marketplace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    private static BenchSettings settings(boolean quick, Set<String> only) {
        return new BenchSettings(quick, only, Path.of("docs/benchmarks"), Path.of("bench/target/bench-run"), Path.of("."),
                "jdbc:mysql://127.0.0.1:3306/", "root", "", LocalDate.of(2026, 12, 1));
    }

    @Test
    void aRunOfEveryScenarioIsTheDaysReport() {
        assertThat(settings(false, Set.of()).reportName()).isEqualTo("2026-12-01");
        assertThat(settings(true, Set.of()).reportName()).isEqualTo("2026-12-01-quick");
    }

    @Test
    void aRunOfNamedScenariosNeverReplacesTheDaysReport() {
        assertThat(settings(false, Set.of("gateway")).reportName()).isEqualTo("2026-12-01-gateway");
        assertThat(settings(true, Set.of("streams", "gateway")).reportName())
                .isEqualTo("2026-12-01-quick-gateway-streams");
    }
}
