package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceSecretTest {

    @Test
    void withoutAConfiguredSecretTheInstancesOfOneApplicationRecogniseEachOther() {
        InstanceSecret one = InstanceSecret.of(Optional.empty(), "marketplace-streams");
        InstanceSecret other = InstanceSecret.of(Optional.empty(), "marketplace-streams");

        assertThat(one.configured()).isFalse();
        assertThat(one.matches(other.value())).isTrue();
        assertThat(InstanceSecret.of(Optional.empty(), "another-app").matches(one.value())).isFalse();
        assertThat(one.matches(null)).isFalse();
        assertThat(one.matches("MARKETPLACE-STREAMS")).isFalse();
    }

    @Test
    void aConfiguredSecretReplacesTheApplicationId() {
        InstanceSecret secret = InstanceSecret.of(Optional.of("a-shared-secret-of-the-instances"),
                "marketplace-streams");

        assertThat(secret.configured()).isTrue();
        assertThat(secret.matches("a-shared-secret-of-the-instances")).isTrue();
        assertThat(secret.matches("marketplace-streams")).isFalse();
        assertThat(secret.matches(InstanceSecret.of(Optional.empty(), "marketplace-streams").value())).isFalse();
        assertThat(secret.toString()).doesNotContain("a-shared-secret");
    }
}
