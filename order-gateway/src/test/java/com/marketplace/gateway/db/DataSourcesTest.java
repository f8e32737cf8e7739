package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.config.ConfigException;
import org.junit.jupiter.api.Test;

class DataSourcesTest {

    @Test
    void aUrlNoDriverTakesIsRefusedNamingTheVariableNotTheUrl() {
        assertThatThrownBy(() -> DataSources.create("jdbc:postgresql://app:s3cret@db/orders", "app", "", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DB_URL")
                .hasMessageContaining("jdbc:mariadb:")
                .hasMessageNotContaining("s3cret");
    }
}
