package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    @Test
    void writesWhatInstantToStringWrites() {
        Random random = new Random(12);
        long span = YEAR_10000 - YEAR_0;
        for (int i = 0; i < 200_000; i++) {
            // the years 0000 to 9999, and a tenth of the instants far outside them (toString's own path)
            long second = i % 10 == 9 ? random.nextLong() % (Instant.MAX.getEpochSecond() / 2)
                    : YEAR_0 + (long) (random.nextDouble() * span);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
        }
        for (String edge : new String[] {"0000-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000001Z", "2026-12-02T15:30:00.100Z",
                "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(IsoInstants.format(instant)).isEqualTo(edge).isEqualTo(instant.toString());
        }
    }

    @Test
    void readsWhatInstantToStringWritesAsInstantParseDoes() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            long second = YEAR_0 + (long) (random.nextDouble() * (YEAR_10000 - YEAR_0));
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(second, nanos).toString();

            assertThat(IsoInstants.parseUtcOrNull(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T06:42:27.4Z", "2026-12-02T06:42:27.43Z", "2026-12-02T06:42:27.4310Z",
            "2026-12-02T06:42:27.43100000Z", "2024-02-29T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z"})
    void readsEveryFractionLengthAndTheEdgesOfTheFourDigitYears(String text) {
        assertThat(IsoInstants.parseUtcOrNull(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T06:42:27+00:00", "2026-12-02T06:42:27.000+01:00", "2026-12-02T23:59:60Z",
            "+12026-12-02T06:42:27Z", "-0001-12-02T06:42:27Z", " 2026-12-02T06:42:27Z", "2026-12-02t06:42:27Z",
            "2026-12-02T06:42:27.Z", "2026-12-02T06:42Z", "2026-12-02T24:00:00Z"})
    void leavesOtherFormsToInstantParseWithItsResult(String text) {
        assertThat(IsoInstants.parseUtcOrNull(text)).isNull();
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(IsoInstants.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-02T06:42:27Z", "2026-00-02T06:42:27Z", "2026-02-29T06:42:27Z",
            "2026-04-31T06:42:27Z", "2026-12-00T06:42:27Z", "2026-12-02T06:60:27Z",
            "2026-12-02T06:42:2xZ", "2026-12-02T06:42:27.1234567890Z", "2026-12-02T06:42:27.12a4Z",
            "2026-12-02T06:42:27,123Z", "2026-12-02 06:42:27Z", "", "not an instant"})
    void rejectsWhatInstantParseRejectsWithItsException(String text) {
        assertThat(IsoInstants.parseUtcOrNull(text)).isNull();
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void theContractCodecReadsPayloadInstantsAsTheEnvelopesOccurredAtIsRead() {
        String created = """
                {"eventId":"3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10","eventType":"OrderStatusChanged",
                 "aggregateType":"Order","aggregateId":"42","schemaVersion":1,"occurredAt":"2026-11-25T10:15:30.123Z",
                 "payload":{"orderId":42,"orderNumber":"ORD-20261125-0000000042","buyerId":5,
                  "buyerEmail":"b@example.com","sellerIds":[7],"totalAmount":1.00,"currency":"KRW",
                  "previousStatus":"PENDING","status":"PAID","changedAt":"%s"}}""";

        assertThat(changedAt(created.formatted("2026-11-25T10:15:31.5Z"))).isEqualTo(Instant.parse("2026-11-25T10:15:31.5Z"));
        assertThat(changedAt(created.formatted("2026-11-25T11:15:31+01:00"))).isEqualTo(Instant.parse("2026-11-25T10:15:31Z"));
        assertThatThrownBy(() -> changedAt(created.formatted("2026-02-30T10:15:31Z")))
                .isInstanceOf(EventDecodingException.class);
        // digits are not an instant: Jackson's own reader takes them as epoch seconds
        assertThatThrownBy(() -> changedAt(created.formatted("1764065731")))
                .isInstanceOf(EventDecodingException.class);
        assertThatThrownBy(() -> changedAt(created.replace("\"%s\"", "1764065731")))
                .isInstanceOf(EventDecodingException.class);
    }

    private static Instant changedAt(String json) {
        return ((OrderStatusChanged) EventCodec.INSTANCE.decodeEnvelope(json).payload()).changedAt();
    }
}
