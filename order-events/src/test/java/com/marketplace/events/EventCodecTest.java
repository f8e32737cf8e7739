package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = EventCodec.INSTANCE;

    @Test
    void orderCreatedGoldenSampleDecodesToExactValuesAndEncodesBackIdentically() throws IOException {
        String golden = golden("order-created.json");

        EventEnvelope envelope = codec.decodeEnvelope(golden);

        assertThat(envelope.eventId()).isEqualTo(UUID.fromString("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10"));
        assertThat(envelope.type()).isEqualTo(EventType.ORDER_CREATED);
        assertThat(envelope.key()).isEqualTo("42");
        assertThat(envelope.occurredAt()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123Z"));
        OrderCreated payload = (OrderCreated) envelope.payload();
        assertThat(payload.totalAmount()).isEqualTo(new BigDecimal("3000.10"));
        assertThat(payload.items()).extracting(OrderItem::unitPrice)
                .containsExactly(new BigDecimal("1500.00"), new BigDecimal("0.10"));
        assertThat(payload.sellerIds()).containsExactly(7L, 9L);
        assertThat(payload.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(codec.encodeToString(envelope)).isEqualTo(golden);
    }

    @Test
    void orderStatusChangedGoldenSampleRoundTrips() throws IOException {
        String golden = golden("order-status-changed.json");

        EventEnvelope envelope = codec.decodeEnvelope(golden);

        OrderStatusChanged payload = (OrderStatusChanged) envelope.payload();
        assertThat(payload.previousStatus()).isEqualTo(OrderStatus.PENDING);
        assertThat(payload.status()).isEqualTo(OrderStatus.PAID);
        assertThat(payload.totalAmount()).isEqualTo(new BigDecimal("3000.10"));
        assertThat(codec.encodeToString(envelope)).isEqualTo(golden);
    }

    @Test
    void instantsAreWrittenAsJacksonsOwnSerializerWritesThem() throws IOException {
        // Jackson's own instant writer with the contract's decimals, so only the instants' writer differs
        ObjectMapper jackson = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
        for (String text : List.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.100Z", "2026-01-01T00:00:00.000100Z",
                "2026-01-01T00:00:00.000000100Z", "1969-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999Z")) {
            Instant instant = Instant.parse(text);
            EventEnvelope envelope = EventEnvelope.of(UUID.randomUUID(), instant, new OrderCreated(5, "ORD-5", 3,
                    "x@y.z", List.of(2L), List.of(new OrderItem(1, 2, 3, new BigDecimal("0.10"))),
                    new BigDecimal("0.30"), "EUR", OrderStatus.PENDING, instant));

            assertThat(codec.encodeToString(envelope)).contains("\"" + text + "\"")
                    .isEqualTo(jackson.writeValueAsString(envelope));
        }
        // beyond the four-digit years no event may go (Payloads), but the writer still agrees with Jackson's
        Instant farAhead = Instant.parse("+10000-01-01T00:00:00Z");
        assertThat(codec.encodeToString(farAhead)).isEqualTo("\"+10000-01-01T00:00:00Z\"")
                .isEqualTo(jackson.writeValueAsString(farAhead));
    }

    @Test
    void everyInstantPropertyOfTheContractUsesTheFastSerializer() throws IOException {
        SerializerProvider provider = EventCodec.newMapper().getSerializerProviderInstance();
        for (Class<?> type : List.of(EventEnvelope.class, OrderCreated.class, OrderStatusChanged.class)) {
            BeanSerializerBase serializer = (BeanSerializerBase) provider.findTypedValueSerializer(type, true, null);
            List<String> instants = new ArrayList<>();
            serializer.properties().forEachRemaining(property -> {
                if (property.getType().getRawClass() == Instant.class) {
                    instants.add(property.getName());
                    assertThat(((BeanPropertyWriter) property).getSerializer()).as("%s.%s", type, property.getName())
                            .isInstanceOf(IsoInstantSerializer.class);
                }
            });
            assertThat(instants).as("instant properties of %s", type.getSimpleName()).isNotEmpty();
        }
    }

    @Test
    void roundTripKeepsDecimalScaleExactly() {
        OrderCreated payload = new OrderCreated(5, "ORD-5", 3, "x@y.z", List.of(2L),
                List.of(new OrderItem(1, 2, 3, new BigDecimal("0.10"))), new BigDecimal("0.30"), "EUR",
                OrderStatus.PENDING, Instant.parse("2026-01-01T00:00:00Z"));
        EventEnvelope envelope = EventEnvelope.of(UUID.randomUUID(), Instant.parse("2026-01-01T00:00:01Z"), payload);

        EventEnvelope decoded = codec.decodeEnvelope(codec.encode(envelope));

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.payload().totalAmount().scale()).isEqualTo(2);
        assertThat(codec.encodeToString(envelope)).contains("\"totalAmount\":0.30");
    }

    @Test
    void unknownFieldsAreToleratedOnRead() throws IOException {
        String withExtras = golden("order-created.json")
                .replace("\"schemaVersion\":1", "\"schemaVersion\":1,\"traceId\":\"abc\"")
                .replace("\"currency\":\"KRW\"", "\"currency\":\"KRW\",\"channel\":\"web\"");

        assertThat(codec.decodeEnvelope(withExtras)).isEqualTo(codec.decodeEnvelope(golden("order-created.json")));
    }

    @Test
    void envelopeFieldsAreReadInAnyOrder() throws IOException {
        String golden = golden("order-created.json");
        String payload = golden.substring(golden.indexOf("\"payload\":"), golden.length() - 1);
        String payloadFirst = "{" + payload + "," + golden.substring(1, golden.indexOf(",\"payload\":")) + "}";

        EventEnvelope decoded = codec.decodeEnvelope(payloadFirst);

        assertThat(payloadFirst).startsWith("{\"payload\":{");
        assertThat(decoded).isEqualTo(codec.decodeEnvelope(golden));
        assertThat(decoded.payload().totalAmount()).isEqualTo(new BigDecimal("3000.10"));
        assertThat(codec.encodeToString(decoded)).isEqualTo(golden);
    }

    @Test
    void errorReasonsDoNotDependOnFieldOrder() throws IOException {
        String golden = golden("order-created.json");
        String payload = golden.substring(golden.indexOf("\"payload\":"), golden.length() - 1);
        String head = golden.substring(1, golden.indexOf(",\"payload\":"));
        var cases = java.util.Map.of(
                head.replace("\"OrderCreated\"", "\"OrderRefunded\""), EventDecodingException.Reason.UNKNOWN_EVENT_TYPE,
                head.replace("\"schemaVersion\":1", "\"schemaVersion\":2"),
                EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                head.replace("\"schemaVersion\":1", "\"schemaVersion\":\"1\""), EventDecodingException.Reason.MALFORMED,
                head.replace("\"schemaVersion\":1", "\"schemaVersion\":92233720368547758080"),
                EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                head.replace("\"schemaVersion\":1", "\"schemaVersion\":-92233720368547758080"),
                EventDecodingException.Reason.MALFORMED,
                head.replace("\"eventId\":\"3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10\",", ""),
                EventDecodingException.Reason.MALFORMED);

        cases.forEach((envelopeFields, reason) -> {
            for (String json : List.of("{" + envelopeFields + "," + payload + "}",
                    "{" + payload + "," + envelopeFields + "}")) {
                assertThatThrownBy(() -> codec.decodeEnvelope(json)).as(json)
                        .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.reason()).isEqualTo(reason));
            }
        });
    }

    @Test
    void unknownEventTypeIsReportedAsSuch() throws IOException {
        String json = golden("order-created.json").replace("\"OrderCreated\"", "\"OrderRefunded\"");

        assertThatThrownBy(() -> codec.decodeEnvelope(json))
                .isInstanceOfSatisfying(EventDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.UNKNOWN_EVENT_TYPE));
    }

    @Test
    void newerSchemaVersionIsReportedAsUnsupported() throws IOException {
        String json = golden("order-created.json").replace("\"schemaVersion\":1", "\"schemaVersion\":2");

        assertThatThrownBy(() -> codec.decodeEnvelope(json))
                .isInstanceOfSatisfying(EventDecodingException.class, e -> assertThat(e.reason())
                        .isEqualTo(EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION));
    }

    @Test
    void malformedInputIsReportedAsMalformed() throws IOException {
        String golden = golden("order-created.json");
        List<String> bad = List.of(
                "not json",
                "[]",
                "{}",
                golden.replace("\"3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10\"", "\"nope\""),
                golden.replace("\"aggregateId\":\"42\"", "\"aggregateId\":\"43\""),
                golden.replace("\"orderId\":42", "\"orderId\":\"x\""),
                golden.replace("\"status\":\"PENDING\"", "\"status\":\"LOST\""),
                golden.replace(",\"buyerEmail\":\"buyer@example.com\"", ""),
                golden.replace("\"schemaVersion\":1", "\"schemaVersion\":1.5"),
                golden.replace("\"payload\":{", "\"payload\":[{").replace("}}", "}]}"),
                golden.substring(0, golden.length() - 10),
                "null");

        assertEveryOneMalformed(bad);
    }

    @Test
    void valuesOutsideTheContractsRangesAreMalformed() throws IOException {
        String created = golden("order-created.json");
        String changed = golden("order-status-changed.json");
        List<String> bad = List.of(
                // amounts: more than two decimal places, more than 17 digits before the point, negative, huge exponents
                created.replace("\"totalAmount\":3000.10", "\"totalAmount\":3000.101"),
                created.replace("\"totalAmount\":3000.10", "\"totalAmount\":123456789012345678.00"),
                created.replace("\"totalAmount\":3000.10", "\"totalAmount\":-3000.10"),
                created.replace("\"totalAmount\":3000.10", "\"totalAmount\":1E+2000000"),
                created.replace("\"unitPrice\":0.10", "\"unitPrice\":1E-999999999"),
                created.replace("\"unitPrice\":0.10", "\"unitPrice\":0"),
                changed.replace("\"totalAmount\":3000.10", "\"totalAmount\":1E+18"),
                // items: quantity and ids > 0
                created.replace("\"quantity\":1", "\"quantity\":0"),
                created.replace("\"quantity\":1", "\"quantity\":-5"),
                created.replace("\"productId\":11", "\"productId\":0"),
                created.replace("\"sellerId\":9,\"quantity\"", "\"sellerId\":-9,\"quantity\""),
                // instants beyond the four-digit years
                created.replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":\"+300000000-01-01T00:00:00Z\""),
                created.replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":-99999999999999"),
                changed.replace("\"changedAt\":\"2026-11-25T10:20:00Z\"", "\"changedAt\":\"+10000-01-01T00:00:00Z\""),
                // text UTF-8 cannot hold: a surrogate without its pair
                created.replace("\"buyerEmail\":\"buyer@example.com\"", "\"buyerEmail\":\"buyer\\ud800@example.com\""),
                created.replace("\"orderNumber\":\"ORD-20261125-0000000042\"", "\"orderNumber\":\"ORD-\\udc00\""),
                changed.replace("\"buyerEmail\":\"buyer@example.com\"", "\"buyerEmail\":\"buyer@example.com\\ud83d\""),
                created.replace("\"occurredAt\":\"2026-11-25T10:15:30.123Z\"", "\"occurredAt\":\"-0001-12-31T00:00:00Z\""),
                // text longer than an order's: an e-mail address beyond 254 characters, an order number beyond 40
                changed.replace("\"buyerEmail\":\"buyer@example.com\"",
                        "\"buyerEmail\":\"" + "b".repeat(243) + "@example.com\""),
                created.replace("\"orderNumber\":\"ORD-20261125-0000000042\"",
                        "\"orderNumber\":\"ORD-" + "9".repeat(37) + "\""),
                // lists longer than an order's: more than 100 items, more than 100 sellers
                created.replace("\"items\":[", "\"items\":[" + ("{\"productId\":10,\"sellerId\":7,\"quantity\":1,"
                        + "\"unitPrice\":1.00},").repeat(99)),
                created.replace("\"sellerIds\":[7,9]", "\"sellerIds\":[" + "7,".repeat(100) + "9]"),
                changed.replace("\"sellerIds\":[7,9]", "\"sellerIds\":[" + "7,".repeat(100) + "9]"));

        assertEveryOneMalformed(bad, created, changed);
    }

    @Test
    void anOrderOfAHundredItemsAndSellersIsRead() throws IOException {
        String created = golden("order-created.json")
                .replace("\"items\":[", "\"items\":[" + ("{\"productId\":10,\"sellerId\":7,\"quantity\":1,"
                        + "\"unitPrice\":1.00},").repeat(98))
                .replace("\"sellerIds\":[7,9]", "\"sellerIds\":[" + "7,".repeat(99) + "9]");

        OrderCreated payload = (OrderCreated) codec.decodeEnvelope(created).payload();

        assertThat(payload.items()).hasSize(OrderEventPayload.MAX_ITEMS);
        assertThat(payload.sellerIds()).hasSize(OrderEventPayload.MAX_ITEMS);
    }

    @Test
    void anEnvelopeInAnotherEncodingThanUtf8IsMalformed() throws IOException {
        String created = golden("order-created.json");

        for (Charset charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
                Charset.forName("UTF-32LE"))) {
            byte[] encoded = created.getBytes(charset);
            assertThatThrownBy(() -> codec.decodeEnvelope(encoded)).as(charset.name())
                    .isInstanceOfSatisfying(EventDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MALFORMED));
        }
    }

    @Test
    void valuesOfAnotherJsonTypeOrFormAreMalformed() throws IOException {
        String created = golden("order-created.json");
        String changed = golden("order-status-changed.json");
        String eventId = "\"eventId\":\"3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10\"";
        List<String> bad = List.of(
                // instants as numbers or digits: Jackson's own reader took them as epoch seconds and folded them
                created.replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":1e100"),
                created.replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":1764065730"),
                changed.replace("\"changedAt\":\"2026-11-25T10:20:00Z\"", "\"changedAt\":18446744075442081346.0"),
                created.replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":\"-1.5\""),
                // no coercion between JSON types: enum indexes, fractions for whole numbers, numbers as text
                created.replace("\"status\":\"PENDING\"", "\"status\":0"),
                created.replace("\"schemaVersion\":1", "\"schemaVersion\":1.0"),
                created.replace("\"schemaVersion\":1", "\"schemaVersion\":1e0"),
                changed.replace("\"status\":\"PAID\"", "\"status\":\"1\""),
                created.replace("\"orderId\":42", "\"orderId\":42.9"),
                created.replace("\"orderId\":42", "\"orderId\":\"42\""),
                created.replace("\"quantity\":2", "\"quantity\":2.5"),
                created.replace("\"sellerIds\":[7,9]", "\"sellerIds\":[7,\"9\"]"),
                created.replace("\"orderNumber\":\"ORD-20261125-0000000042\"", "\"orderNumber\":42"),
                created.replace("\"currency\":\"KRW\"", "\"currency\":true"),
                // the envelope once, whole, and nothing after it
                created + "garbage",
                created + created,
                created.replace(eventId, eventId + ",\"eventId\":\"9b2d4e61-0c3a-4f8e-a1b7-2e5d6c7f8a90\""),
                created.replace("\"aggregateId\":\"42\"", "\"aggregateId\":\"42\",\"aggregateId\":\"42\""),
                // an eventId in canonical form only: UUID.fromString reads these, and maps the last two to one id
                created.replace("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10", "0-0-0-0-1"),
                created.replace("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10", "100000000-0-0-0-1"),
                created.replace("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10", "+f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10"),
                created.replace("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10", "3f0c9a528f1e-4c47-9d0a-5b6f1f3c2a10-"),
                // an order's event, of an order that can exist
                created.replace("\"aggregateType\":\"Order\"", "\"aggregateType\":\"Customer\""),
                created.replace("\"sellerIds\":[7,9]", "\"sellerIds\":[7,0]"),
                changed.replace("\"sellerIds\":[7,9]", "\"sellerIds\":[-5]"),
                created.replace("\"items\":[{\"productId\":10,\"sellerId\":7,\"quantity\":2,\"unitPrice\":1500.00},"
                        + "{\"productId\":11,\"sellerId\":9,\"quantity\":1,\"unitPrice\":0.10}]", "\"items\":[]"),
                created.replace("\"status\":\"PENDING\"", "\"status\":\"DELIVERED\""),
                changed.replace("\"status\":\"PAID\"", "\"status\":\"PENDING\""),
                changed.replace("\"status\":\"PAID\"", "\"status\":\"DELIVERED\""),
                created.replace("\"currency\":\"KRW\"", "\"currency\":\"krw\""),
                changed.replace("\"currency\":\"KRW\"", "\"currency\":\"\""));

        assertEveryOneMalformed(bad, created, changed);
    }

    @Test
    void anEventIdInCapitalsNamesTheSameEvent() throws IOException {
        String created = golden("order-created.json");

        EventEnvelope capitals = codec.decodeEnvelope(created.replace("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10",
                "3F0C9A52-8F1E-4C47-9D0A-5B6F1F3C2A10"));

        assertThat(capitals.eventId()).isEqualTo(codec.decodeEnvelope(created).eventId());
    }

    /** The golden creation {@code created} with its total and its first item's unit price written as given. */
    private OrderCreated withAmounts(String created, String totalAmount, String unitPrice) {
        return (OrderCreated) codec.decodeEnvelope(created
                .replace("\"totalAmount\":3000.10", "\"totalAmount\":" + totalAmount)
                .replace("\"unitPrice\":1500.00", "\"unitPrice\":" + unitPrice)).payload();
    }

    @Test
    void amountsKeepAtMostTwoDecimalPlaces() throws IOException {
        String created = golden("order-created.json");

        OrderCreated zeros = withAmounts(created, "3000.10000000000000000000", "1500.0000000000000000000");
        OrderCreated fewer = withAmounts(created, "3000.1", "1500");

        // a sender's extra zeros do not reach the sums and outputs: 3000.10 as the contract writes it
        assertThat(zeros.totalAmount()).isEqualTo(new BigDecimal("3000.10"));
        assertThat(zeros.items().get(0).unitPrice()).isEqualTo(new BigDecimal("1500.00"));
        assertThat(zeros.items().get(0).lineTotal().scale()).isEqualTo(2);
        assertThat(codec.encodeToString(zeros)).contains("\"totalAmount\":3000.10,").doesNotContain("3000.100");
        // fewer places are exact already, and are kept as given
        assertThat(fewer.totalAmount()).isEqualTo(new BigDecimal("3000.1"));
        assertThat(fewer.items().get(0).unitPrice()).isEqualTo(new BigDecimal("1500"));
    }

    @Test
    void amountsWrittenWithAnExponentAreReadAsThePlainNumberTheyStandFor() throws IOException {
        String created = golden("order-created.json");

        OrderCreated exponents = withAmounts(created, "3.0001E+3", "15E+2");
        OrderCreated zero = withAmounts(created, "0E+20", "1500.00");

        assertThat(exponents.totalAmount()).isEqualTo(new BigDecimal("3000.1"));
        assertThat(exponents.items().get(0).unitPrice()).isEqualTo(new BigDecimal("1500"));
        // as read back from what it writes: one value, whichever way the sender wrote it
        assertThat(codec.decodeEnvelope(codec.encode(codec.decodeEnvelope(created
                .replace("\"unitPrice\":1500.00", "\"unitPrice\":15E+2")))).payload())
                .isEqualTo(codec.decodeEnvelope(created.replace("\"unitPrice\":1500.00", "\"unitPrice\":1500"))
                        .payload());
        // zero is zero whatever its exponent, not a number of 21 digits
        assertThat(zero.totalAmount()).isEqualTo(BigDecimal.ZERO);
    }

    @Test
    void valuesAtTheEdgesOfTheContractsRangesAreRead() throws IOException {
        String created = golden("order-created.json");

        OrderCreated largest = (OrderCreated) codec.decodeEnvelope(created
                .replace("\"totalAmount\":3000.10", "\"totalAmount\":99999999999999999.99")
                .replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":\"9999-12-31T23:59:59.999Z\"")).payload();
        OrderCreated trailingZeros = (OrderCreated) codec.decodeEnvelope(created
                .replace("\"totalAmount\":3000.10", "\"totalAmount\":3000.1000")
                .replace("\"createdAt\":\"2026-11-25T10:15:30.120Z\"", "\"createdAt\":\"0001-01-01T00:00:00Z\"")).payload();

        assertThat(largest.totalAmount()).isEqualTo(new BigDecimal("99999999999999999.99"));
        assertThat(largest.createdAt()).isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z"));
        assertThat(trailingZeros.totalAmount()).isEqualByComparingTo("3000.10");
        assertThat(trailingZeros.createdAt()).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    }

    @Test
    void derivedIdsAreDeterministicAndDistinctPerRecipient() {
        UUID source = UUID.fromString("3f0c9a52-8f1e-4c47-9d0a-5b6f1f3c2a10");

        assertThat(DerivedIds.emailId(source)).isEqualTo(DerivedIds.emailId(source));
        assertThat(DerivedIds.notificationId(source, RecipientType.SELLER, 7))
                .isEqualTo(DerivedIds.notificationId(source, RecipientType.SELLER, 7))
                .isNotEqualTo(DerivedIds.notificationId(source, RecipientType.SELLER, 9))
                .isNotEqualTo(DerivedIds.notificationId(source, RecipientType.BUYER, 7));
    }

    @Test
    void statusMachineAllowsOnlyTheContractTransitions() {
        assertThat(OrderStatus.PENDING.nextStatuses()).containsExactlyInAnyOrder(OrderStatus.PAID, OrderStatus.CANCELLED);
        assertThat(OrderStatus.PAID.nextStatuses()).containsExactlyInAnyOrder(OrderStatus.SHIPPED, OrderStatus.CANCELLED);
        assertThat(OrderStatus.SHIPPED.nextStatuses()).containsExactly(OrderStatus.DELIVERED);
        assertThat(OrderStatus.DELIVERED.isTerminal()).isTrue();
        assertThat(OrderStatus.CANCELLED.isTerminal()).isTrue();
        assertThat(OrderStatus.PAID.canTransitionTo(OrderStatus.PAID)).isFalse();
        assertThat(OrderStatus.SHIPPED.canTransitionTo(OrderStatus.CANCELLED)).isFalse();
    }

    /** Each of {@code jsons}, none of them one of the {@code samples} it was made from, is read as MALFORMED. */
    private void assertEveryOneMalformed(List<String> jsons, String... samples) {
        for (String json : jsons) {
            assertThat(json).as("a changed sample").isNotIn((Object[]) samples);
            assertThatThrownBy(() -> codec.decodeEnvelope(json)).as(json)
                    .isInstanceOfSatisfying(EventDecodingException.class,
                            e -> assertThat(e.reason()).isEqualTo(EventDecodingException.Reason.MALFORMED));
        }
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = EventCodecTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
