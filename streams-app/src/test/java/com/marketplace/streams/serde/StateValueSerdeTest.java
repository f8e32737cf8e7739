package com.marketplace.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventDecodingException;
import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerShare;
import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateValueSerdeTest {

    private static final Instant CREATED = Instant.parse("2026-11-26T03:04:05.123456789Z");
    private static final OrderState STATE = new OrderState(42, "ORD-42", true, OrderStatus.PAID,
            CREATED.plusSeconds(60), 7, "buyer@example.com", List.of(9L),
            List.of(new SellerShare(9, 3, new BigDecimal("3099.90"))), new BigDecimal("3099.90"), "KRW",
            CREATED, CREATED.plusSeconds(60));

    private final StateValueSerde<OrderState> compact = StateValueSerde.orderState(StateValueFormat.COMPACT);
    private final StateValueSerde<OrderState> smile = StateValueSerde.orderState(StateValueFormat.SMILE);

    /** What the first versions wrote: JSON text with instants as epoch seconds. */
    private static byte[] jsonWithNumericInstants(Object value) throws Exception {
        return EventCodec.newMapper().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsBytes(value);
    }

    @Test
    void compactValuesStartWithTheirFormatByteAndAreAThirdOfSmile() {
        byte[] compactBytes = compact.serializer().serialize("changelog", STATE);
        byte[] smileBytes = smile.serializer().serialize("changelog", STATE);

        assertThat(compactBytes[0]).isEqualTo((byte) 0x01);
        assertThat(new String(smileBytes, 0, 3, StandardCharsets.US_ASCII)).as("Smile header").isEqualTo(":)\n");
        assertThat(compactBytes.length).isLessThan(smileBytes.length / 3);
        OrderState read = compact.deserializer().deserialize("changelog", compactBytes);
        assertThat(read).isEqualTo(STATE);
        assertThat(read.totalAmount().scale()).isEqualTo(2);
        assertThat(read.createdAt().getNano()).isEqualTo(123_456_789);
    }

    /** Both halves of a rolling upgrade: each setting reads what the other writes. */
    @Test
    void everyFormatIsReadWhateverIsWritten() {
        Random random = new Random(20261202);
        for (int i = 0; i < 2_000; i++) {
            assertReadByBoth(StateValueSerde::orderState, randomOrderState(random));
            assertReadByBoth(StateValueSerde::sellerStats, new SellerStats(random.nextLong(), random.nextInt(1_000_000),
                    random.nextLong(), randomAmount(random)));
            assertReadByBoth(StateValueSerde::buyerStats, new BuyerStats(random.nextLong(), random.nextInt(),
                    randomAmount(random)));
        }
    }

    @Test
    void valuesWrittenAsJsonTextStayReadable() throws Exception {
        byte[] numericInstants = jsonWithNumericInstants(STATE);
        byte[] isoInstants = EventCodec.INSTANCE.encode(STATE);

        assertThat(new String(numericInstants, StandardCharsets.UTF_8)).contains("\"createdAt\":1795662245.123456789");
        assertThat(new String(isoInstants, StandardCharsets.UTF_8)).contains("\"createdAt\":\"2026-11-26T03:04:05.123456789Z\"");
        assertThat(compact.deserializer().deserialize("changelog", numericInstants)).isEqualTo(STATE);
        assertThat(compact.deserializer().deserialize("changelog", isoInstants)).isEqualTo(STATE);
    }

    @Test
    void aPartialOrderWithItsNullsAndEmptyListsRoundTrips() {
        OrderState partial = new OrderState(5, "ORD-5", false, OrderStatus.CANCELLED, CREATED, 3, "b@example.com",
                List.of(1L, 2L), List.of(), new BigDecimal("10.50"), "EUR", null, CREATED);
        OrderState empty = new OrderState(0, null, false, null, null, 0, null, List.of(), List.of(), null, null,
                null, null);

        for (OrderState state : List.of(partial, empty)) {
            byte[] bytes = compact.serializer().serialize("changelog", state);
            assertThat(compact.deserializer().deserialize("changelog", bytes)).isEqualTo(state);
        }
    }

    @Test
    void everyStatusKeepsItsStoredCode() {
        assertThat(Arrays.stream(OrderStatus.values()).map(StateValueCodecs::statusCode))
                .as("codes are stored: appended, never changed")
                .containsExactly(1, 2, 3, 4, 5);
        for (OrderStatus status : OrderStatus.values()) {
            OrderState state = new OrderState(1, "ORD-1", true, status, CREATED, 2, "b@example.com", List.of(),
                    List.of(), BigDecimal.ONE, "KRW", CREATED, CREATED);
            assertThat(compact.deserializer().deserialize("changelog", compact.serializer().serialize("c", state))
                    .status()).isEqualTo(status);
        }
    }

    @Test
    void tombstonesStayNullAndGarbageIsMalformed() {
        byte[] validCompact = compact.serializer().serialize("changelog", STATE);
        byte[] validSmile = smile.serializer().serialize("changelog", STATE);
        List<byte[]> garbage = new ArrayList<>(List.of("{not json".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(validSmile, validSmile.length / 2), new byte[0], new byte[] {0x01},
                Arrays.copyOf(validCompact, validCompact.length + 1)));
        for (int length = 1; length < validCompact.length; length++) {
            garbage.add(Arrays.copyOf(validCompact, length));
        }
        // format byte, orderId 42 (one byte), orderNumber (length byte and six bytes), created, status
        int orderNumberLength = 2;
        int status = orderNumberLength + 1 + "ORD-42".length() + 1;
        assertThat(validCompact[status]).as("PAID's code").isEqualTo((byte) 2);
        byte[] badStatus = validCompact.clone();
        badStatus[status] = 9;
        garbage.add(badStatus);
        byte[] hugeLength = validCompact.clone();
        hugeLength[orderNumberLength] = 0x7f;
        garbage.add(hugeLength);
        byte[] endlessNumber = validCompact.clone();
        Arrays.fill(endlessNumber, 1, endlessNumber.length, (byte) 0xff);
        garbage.add(endlessNumber);

        assertThat(compact.serializer().serialize("changelog", null)).isNull();
        assertThat(compact.deserializer().deserialize("changelog", null)).isNull();
        for (byte[] bytes : garbage) {
            assertThatThrownBy(() -> compact.deserializer().deserialize("changelog", bytes))
                    .as("%s", Arrays.toString(bytes))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("OrderState");
        }
    }

    private interface SerdeOfFormat<T> {
        Serde<T> of(StateValueFormat format);
    }

    private static <T> void assertReadByBoth(SerdeOfFormat<T> serdes, T value) {
        for (StateValueFormat written : StateValueFormat.values()) {
            byte[] bytes = serdes.of(written).serializer().serialize("changelog", value);
            for (StateValueFormat reader : StateValueFormat.values()) {
                assertThat(serdes.of(reader).deserializer().deserialize("changelog", bytes))
                        .as("%s written as %s, read by a serde writing %s", value, written, reader)
                        .isEqualTo(value);
            }
        }
    }

    private static OrderState randomOrderState(Random random) {
        int sellers = random.nextInt(4);
        List<Long> sellerIds = new ArrayList<>();
        List<SellerShare> shares = new ArrayList<>();
        for (int s = 0; s < sellers; s++) {
            long sellerId = random.nextLong(1, 1_000_000);
            sellerIds.add(sellerId);
            shares.add(new SellerShare(sellerId, random.nextInt(100), randomAmount(random)));
        }
        OrderStatus[] statuses = OrderStatus.values();
        return new OrderState(random.nextLong(), random.nextBoolean() ? "ORD-" + random.nextInt() : null,
                random.nextBoolean(), random.nextInt(6) == 0 ? null : statuses[random.nextInt(statuses.length)],
                randomInstant(random), random.nextLong(),
                random.nextBoolean() ? "b" + random.nextInt() + "@example.com" : "\u00e9l\u00e8ve+\ud83d\ude00@example.com",
                sellerIds, random.nextBoolean() ? shares : List.of(), random.nextInt(5) == 0 ? null : randomAmount(random),
                random.nextBoolean() ? "KRW" : null, randomInstant(random), randomInstant(random));
    }

    private static Instant randomInstant(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 100_000_000_000L),
                    random.nextInt(1_000_000_000));
            case 2 -> Instant.ofEpochSecond(random.nextInt(2_000_000_000));
            case 3 -> Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L));
            case 4 -> random.nextBoolean() ? Instant.EPOCH : Instant.ofEpochSecond(-1, 1);
            default -> Instant.ofEpochSecond(1_800_000_000L + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
        };
    }

    private static BigDecimal randomAmount(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> BigDecimal.valueOf(random.nextLong(), 2);
            case 1 -> new BigDecimal(new BigInteger(100, random).subtract(BigInteger.ONE.shiftLeft(99)),
                    random.nextInt(-3, 12));
            case 2 -> BigDecimal.valueOf(random.nextInt(1_000_000), 2).negate();
            case 3 -> new BigDecimal(BigInteger.valueOf(random.nextLong()).multiply(BigInteger.TEN), 4);
            default -> new BigDecimal("0.00");
        };
    }
}
