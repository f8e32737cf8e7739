package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Derived ids never change: consumers deduplicate by them across versions and reprocessing. */
class DerivedIdsTest {

    private static final UUID EVENT = UUID.fromString("3f2b8c1e-9d4a-4e7b-8f60-1a2b3c4d5e6f");

    @Test
    void idsAreTheFixedNameBasedUuidsOfTheirEventAndRecipient() {
        assertThat(DerivedIds.emailId(EVENT)).hasToString("86c06187-c8c5-3933-85ca-a9d5f8111cb8");
        assertThat(DerivedIds.notificationId(EVENT, RecipientType.BUYER, 42))
                .hasToString("7ab341db-4b30-3c9b-a799-d0a1d01a981f");
        assertThat(DerivedIds.notificationId(EVENT, RecipientType.SELLER, 7))
                .hasToString("9d1370b1-56ba-3f60-82df-ab2da8345df2");
    }

    @Test
    void idsEqualUuidNameUuidFromBytesForRandomEvents() {
        Random random = new Random(20261202);
        for (int i = 0; i < 10_000; i++) {
            UUID event = new UUID(random.nextLong(), random.nextLong());
            long recipient = random.nextLong() & Long.MAX_VALUE;
            assertThat(DerivedIds.emailId(event)).isEqualTo(nameUuid(event + "/email"));
            assertThat(DerivedIds.notificationId(event, RecipientType.SELLER, recipient))
                    .isEqualTo(nameUuid(event + "/notification/SELLER/" + recipient));
        }
    }

    private static UUID nameUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
