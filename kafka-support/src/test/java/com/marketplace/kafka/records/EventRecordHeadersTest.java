package com.marketplace.kafka.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class EventRecordHeadersTest {

    @Test
    void namesTheEventInThreeUtf8Headers() {
        UUID id = UUID.fromString("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10");

        Header[] headers = EventRecordHeaders.of(id, "OrderCreated", 1).toArray();

        assertThat(Arrays.stream(headers).map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)))
                .containsExactly("event-id=3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10", "event-type=OrderCreated",
                        "schema-version=1");
    }
}
