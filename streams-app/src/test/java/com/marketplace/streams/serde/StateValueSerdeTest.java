package com.marketplace.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.marketplace.events.EventCodec;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateValueSerdeTest {

    private static final Instant CREATED = Instant.parse("2026-11-26T03:04:05.123456789Z");
    private static final OrderState STATE = new OrderState(42, "ORD-42", true, OrderStatus.PAID,
            CREATED.plusSeconds(60), 7, "buyer@example.com", List.of(9L, 11L),
            List.of(new SellerShare(9, 3, new BigDecimal("3099.90")), new SellerShare(11, 1, new BigDecimal("10.00"))),
            new BigDecimal("3109.90"), "KRW", CREATED, CREATED.plusSeconds(60));
    private static final SellerStats SELLER = new SellerStats(9, 2, 4, new BigDecimal("3109.90"));
    private static final BuyerStats BUYER = new BuyerStats(7, 1, new BigDecimal("-0.5"));

    /**
     * Version 1 of the compact form of {@link #STATE}, {@link #SELLER} and {@link #BUYER}, byte for byte:
     * these are stored, so the layout must never change under them.
     */
    private static final String COMPACT_STATE =
            "0154074f52442d3432010201c287bdb00d959aef3a0e126275796572406578616d706c652e636f6d02121602"
            + "12060104cceb2516020104d00f01049cfb25044b525701ca86bdb00d959aef3a01c287bdb00d959aef3a";
    private static final String COMPACT_SELLER = "0112040801049cfb25";
    private static final String COMPACT_BUYER = "010e02010209";
    /** The same values as versions before the compact form wrote them in Smile, and as {@code smile} still does. */
    private static final String SMILE_STATE =
            "3a290a01fa866f7264657249642401948a6f726465724e756d626572454f52442d3432866372656174656423"
            + "8573746174757343504149448e7374617475734368616e67656441742a92880c3a6f15522562570a01866275"
            + "7965724964ce896275796572456d61696c506275796572406578616d706c652e636f6d8873656c6c65724964"
            + "73f8d2d6f98b73656c6c6572536861726573f8fa8773656c6c65724964d2886974656d73536f6c64c6867265"
            + "76656e75652a8483022e5c06fbfa49d64ac24b2a8482017a00fbf98a746f74616c416d6f756e742a8483022f"
            + "59068763757272656e6379424b5257886372656174656441742a92880c3a6f146244537f0a01887570646174"
            + "656441742a92880c3a6f15522562570a01fb";
    private static final String SMILE_SELLER =
            "3a290a01fa8773656c6c65724964d2856f7264657273c4886974656d73536f6c64c886726576656e75652a84"
            + "83022f5906fb";
    private static final String SMILE_BUYER =
            "3a290a01fa8662757965724964ce856f7264657273c289746f74616c5370656e742a82817d01fb";

    private final StateValueSerde<OrderState> compact = StateValueSerde.orderState(StateValueFormat.COMPACT);
    private final StateValueSerde<OrderState> smile = StateValueSerde.orderState(StateValueFormat.SMILE);

    /** What the first versions wrote: JSON text with instants as epoch seconds. */
    private static byte[] jsonWithNumericInstants(Object value) throws Exception {
        return EventCodec.newMapper().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsBytes(value);
    }

    @Test
    void eachFormIsWrittenByteForByteAsStoredAndEveryStoredFormIsRead() {
        assertStored(StateValueSerde::orderState, STATE, COMPACT_STATE, SMILE_STATE);
        assertStored(StateValueSerde::sellerStats, SELLER, COMPACT_SELLER, SMILE_SELLER);
        assertStored(StateValueSerde::buyerStats, BUYER, COMPACT_BUYER, SMILE_BUYER);
    }

    @Test
    void compactValuesStartWithTheirVersionByteAndAreAThirdOfSmile() {
        byte[] compactBytes = compact.serializer().serialize("changelog", STATE);
        byte[] smileBytes = smile.serializer().serialize("changelog", STATE);

        assertThat(compactBytes[0]).isEqualTo((byte) 0x01);
        assertThat(new String(smileBytes, 0, 3, StandardCharsets.US_ASCII)).as("Smile header").isEqualTo(":)\n");
        assertThat(compactBytes).hasSize(86);
        assertThat(smileBytes).hasSize(282);
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
    void tombstonesStayNullAndGarbageIsUnreadable() {
        byte[] validCompact = compact.serializer().serialize("changelog", STATE);
        byte[] validSmile = smile.serializer().serialize("changelog", STATE);
        List<byte[]> garbage = new ArrayList<>(List.of("{not json".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(validSmile, validSmile.length / 2), new byte[0], new byte[] {0x01},
                Arrays.copyOf(validCompact, validCompact.length + 1)));
        for (int length = 1; length < validCompact.length; length++) {
            garbage.add(Arrays.copyOf(validCompact, length));
        }
        byte[] newerVersion = validCompact.clone();
        newerVersion[0] = 0x02;
        garbage.add(newerVersion);
        // a null, as JSON text and as Smile (its header and its null token), is no stored value either
        garbage.add("null".getBytes(StandardCharsets.UTF_8));
        garbage.add(new byte[] {0x3A, 0x29, 0x0A, 0x01, 0x21});
        byte[] endlessNumber = validCompact.clone();
        Arrays.fill(endlessNumber, 1, endlessNumber.length, (byte) 0xff);
        garbage.add(endlessNumber);
        assertThat(compact.serializer().serialize("changelog", null)).isNull();
        assertThat(compact.deserializer().deserialize("changelog", null)).isNull();
        for (byte[] bytes : garbage) {
            assertUnreadable(compact, bytes, "OrderState");
        }
    }

    /** Each check of the layout fires on its own fault, with more bytes after it than the value needs. */
    @Test
    void eachCheckOfTheLayoutNamesWhatIsWrong() {
        StateValueSerde<SellerStats> sellers = StateValueSerde.sellerStats(StateValueFormat.COMPACT);
        StateValueSerde<BuyerStats> buyers = StateValueSerde.buyerStats(StateValueFormat.COMPACT);
        byte[] valid = compact.serializer().serialize("changelog", STATE);
        byte[] newerVersion = valid.clone();
        newerVersion[0] = 0x02;

        assertUnreadable(compact, newerVersion, "compact form version 2 is not known");
        assertUnreadable(compact, Arrays.copyOf(valid, valid.length + 1), "1 bytes after the value");
        assertUnreadable(compact, padded(out -> {
            out.writeLong(42);
            out.writeString("ORD-42");
            out.writeByte(2); // created must be 0 or 1
        }), "not a boolean: 2");
        assertUnreadable(compact, padded(orderUpToStatus(out -> out.writeByte(9))), "unknown status code 9");
        assertUnreadable(compact, padded(orderUpToStatus(out -> {
            out.writeByte(2);
            out.writeByte(7);
        })), "bad instant tag 7");
        assertUnreadable(compact, padded(orderUpToStatus(out -> {
            out.writeByte(2);
            out.writeByte(CompactFormat.INSTANT);
            out.writeLong(0);
            out.writeCount(1_000_000_000);
        })), "bad count 1000000000");
        assertUnreadable(compact, padded(orderUpToStatus(out -> {
            out.writeByte(2);
            out.writeInstant(CREATED);
            out.writeLong(7);
            out.writeCount(1_000);
        })), "length 999 beyond the");
        assertUnreadable(compact, padded(orderUpToSellerIds(out -> out.writeCount(Integer.MAX_VALUE))),
                "elements cannot fit");
        assertUnreadable(compact, padded(orderUpToSellerIds(out -> {
            out.writeCount(0);
            out.writeCount(1_000_000); // seller shares
        })), "elements cannot fit");
        assertUnreadable(compact, padded(orderUpToSellerIds(out -> {
            out.writeCount(0);
            out.writeCount(1);
            out.writeLong(9);
            out.writeLong(1);
            out.writeByte(CompactFormat.ABSENT); // a share's revenue must be there
        })), "revenue");
        assertUnreadable(sellers, padded(out -> {
            out.writeLong(9);
            out.writeLong(1);
            out.writeLong(1);
            out.writeByte(5);
        }), "bad decimal tag 5");
        assertUnreadable(buyers, padded(out -> {
            out.writeLong(7);
            out.writeLong(1);
            out.writeByte(CompactFormat.DECIMAL_BIG);
            out.writeInt(2);
            out.writeCount(Integer.MAX_VALUE);
        }), "length 2147483647 beyond the");
        assertUnreadable(buyers, padded(out -> {
            out.writeLong(7);
            out.writeLong(1);
            out.writeByte(CompactFormat.DECIMAL_BIG);
            out.writeInt(2);
            out.writeCount(0);
        }), "empty unscaled value");
        byte[] beyond64Bits = {0x01, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x02, 0, 0};
        assertUnreadable(buyers, beyond64Bits, "beyond 64 bits");
        assertUnreadable(compact, padded(out -> {
            out.writeLong(42);
            out.writeCount(2); // a string of one byte, the first of a two-byte character alone
            out.writeByte(0xC3);
        }), "not UTF-8");
    }

    @Test
    void aStringUtf8CannotHoldIsRefusedNotChanged() {
        for (String email : List.of("b\ud800x@example.com", "b@example.com\udc00", "b\ud83d")) {
            OrderState state = new OrderState(1, "ORD-1", true, OrderStatus.PAID, CREATED, 7, email, List.of(),
                    List.of(), BigDecimal.ONE, "KRW", CREATED, CREATED);
            for (StateValueFormat format : StateValueFormat.values()) {
                assertThatThrownBy(() -> StateValueSerde.orderState(format).serializer().serialize("changelog", state))
                        .as("%s, %s", format, email)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    /** Every form of values at the edges of their types reads back as written. */
    @Test
    void edgeValuesRoundTrip() {
        // a U+FFFD written as such is read back: only one put in for broken bytes is refused
        String longText = "x".repeat(300) + "\u00e9\uFFFD";
        List<OrderState> states = new ArrayList<>();
        for (Instant instant : List.of(Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999))) {
            states.add(new OrderState(Long.MIN_VALUE, "", true, OrderStatus.CANCELLED, instant, Long.MAX_VALUE, longText,
                    List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE), List.of(new SellerShare(-1, Long.MIN_VALUE,
                    new BigDecimal("999999999999999999")), new SellerShare(0, Long.MAX_VALUE,
                    new BigDecimal("1000000000000000000"))), new BigDecimal("-9.223372036854775808E-50"), longText,
                    instant, instant));
        }
        for (OrderState state : states) {
            assertReadByBoth(StateValueSerde::orderState, state);
        }
        for (BigDecimal amount : List.of(new BigDecimal("1E+5"), new BigDecimal("-0.000"),
                new BigDecimal("123456789012345678901234567890.12"))) {
            assertReadByBoth(StateValueSerde::buyerStats, new BuyerStats(Long.MIN_VALUE, Long.MAX_VALUE, amount));
        }
        // scales Smile cannot hold: the compact form keeps any int
        StateValueSerde<BuyerStats> buyers = StateValueSerde.buyerStats(StateValueFormat.COMPACT);
        for (BigDecimal amount : List.of(BigDecimal.valueOf(Long.MIN_VALUE, Integer.MIN_VALUE),
                BigDecimal.valueOf(Long.MAX_VALUE, Integer.MAX_VALUE), new BigDecimal(BigInteger.TEN.pow(40), -7))) {
            BuyerStats stats = new BuyerStats(1, 1, amount);
            assertThat(buyers.deserializer().deserialize("changelog", buyers.serializer().serialize("changelog", stats)))
                    .isEqualTo(stats);
        }
    }

    private static void assertUnreadable(Serde<?> serde, byte[] bytes, String message) {
        assertThatThrownBy(() -> serde.deserializer().deserialize("changelog", bytes))
                .as("%s", HexFormat.of().formatHex(bytes))
                .isInstanceOf(UnreadableStateValueException.class)
                .hasMessageContaining(message);
    }

    /** The fields of an order state up to {@code created}, then {@code rest} from the status on. */
    private static Consumer<CompactOutput> orderUpToStatus(Consumer<CompactOutput> rest) {
        return out -> {
            out.writeLong(42);
            out.writeString("ORD-42");
            out.writeBoolean(true);
            rest.accept(out);
        };
    }

    /** The fields of an order state up to its buyer's email, then {@code rest} from the seller ids on. */
    private static Consumer<CompactOutput> orderUpToSellerIds(Consumer<CompactOutput> rest) {
        return orderUpToStatus(out -> {
            out.writeByte(2);
            out.writeInstant(CREATED);
            out.writeLong(7);
            out.writeString("b@example.com");
            rest.accept(out);
        });
    }

    /** {@code fields} in the compact form, followed by 64 zero bytes, more than any value needs after a fault. */
    private static byte[] padded(Consumer<CompactOutput> fields) {
        CompactOutput out = new CompactOutput();
        fields.accept(out);
        return Arrays.copyOf(out.toByteArray(), out.toByteArray().length + 64);
    }

    private interface SerdeOfFormat<T> {
        Serde<T> of(StateValueFormat format);
    }

    private static <T> void assertStored(SerdeOfFormat<T> serdes, T value, String compactHex, String smileHex) {
        byte[] compactBytes = HexFormat.of().parseHex(compactHex);
        byte[] smileBytes = HexFormat.of().parseHex(smileHex);

        assertThat(serdes.of(StateValueFormat.COMPACT).serializer().serialize("changelog", value)).isEqualTo(compactBytes);
        assertThat(serdes.of(StateValueFormat.SMILE).serializer().serialize("changelog", value)).isEqualTo(smileBytes);
        for (StateValueFormat reader : StateValueFormat.values()) {
            assertThat(serdes.of(reader).deserializer().deserialize("changelog", compactBytes)).isEqualTo(value);
            assertThat(serdes.of(reader).deserializer().deserialize("changelog", smileBytes)).isEqualTo(value);
        }
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
