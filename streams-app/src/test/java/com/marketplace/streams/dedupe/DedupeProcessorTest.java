package com.marketplace.streams.dedupe;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Construction rules of {@link DedupeProcessor}; its behaviour is covered through the topology tests. */
class DedupeProcessorTest {

    @Test
    void retentionMustBePositive() {
        assertThatThrownBy(() -> new DedupeProcessor(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retention");
        assertThatThrownBy(() -> new DedupeProcessor(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DedupeProcessorSupplier(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void supplierConnectsTheDedupeStore() {
        assertThat(new DedupeProcessorSupplier(Duration.ofDays(7)).stores())
                .extracting(org.apache.kafka.streams.state.StoreBuilder::name).containsExactly("dedupe-store");
    }
}
