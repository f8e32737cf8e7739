package com.marketplace.streams.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.smile.SmileConstants;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.marketplace.events.EventCodec;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerStats;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of internal values: state stores and their changelogs. Values never leave the
 * streams app, are read back on every update of their key, and make up most of what the app
 * writes besides its outputs, so they are written compactly ({@link StateValueFormat}):
 * <ul>
 *   <li>{@link StateValueFormat#COMPACT} (the default): the fields in a fixed order behind a version
 *       byte, written and read by the type's {@link StateValueCodec} ({@link StateValueCodecs}).
 *       Against Smile, for an order of two sellers: 86 bytes instead of 282 ({@code StateValueSerdeTest}),
 *       and a write or a read in ~0.15 µs instead of ~1.1–1.4 µs (docs/benchmarks/pipeline-tuning.md).</li>
 *   <li>{@link StateValueFormat#SMILE}: Jackson's binary form of JSON through data binding (same
 *       mapping of the records as the contract's {@link EventCodec}), instants as epoch seconds
 *       and nanoseconds; what versions before the compact form wrote, kept for the first restart
 *       of a rolling upgrade from them.</li>
 * </ul>
 * Every form is read whatever is written, told apart by the first byte: a version of the compact form,
 * the Smile header, or else JSON text as still earlier versions wrote it (instants as numbers or
 * ISO-8601). A null value (tombstone) is written and read as null; bytes that are none of these
 * throw {@link UnreadableStateValueException}.
 *
 * @param <T> the value type
 */
public final class StateValueSerde<T> implements Serde<T> {

    /**
     * Instants as this store's earlier versions wrote them, epoch seconds among them: the contract's
     * reader takes ISO-8601 text only, which is right for events from outside and too strict for the
     * store's own values.
     */
    private static final SimpleModule STORED_INSTANTS = new SimpleModule("stored-instants")
            .addDeserializer(Instant.class, InstantDeserializer.INSTANT);
    private static final ObjectMapper SMILE = EventCodec.withContractSettings(SmileMapper.builder())
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(STORED_INSTANTS)
            .build();
    private static final ObjectMapper JSON_TEXT = EventCodec.withContractSettings(JsonMapper.builder())
            .addModule(STORED_INSTANTS)
            .build();

    private final StateValueFormat format;
    private final StateValueCodec<T> codec;
    private final ObjectReader smileReader;
    private final ObjectWriter smileWriter;
    private final ObjectReader jsonTextReader;

    private StateValueSerde(StateValueFormat format, StateValueCodec<T> codec) {
        this.format = Objects.requireNonNull(format, "format");
        this.codec = Objects.requireNonNull(codec, "codec");
        // resolved once: ObjectMapper.readValue and writeValueAsBytes look the type up on every call
        this.smileReader = SMILE.readerFor(codec.type());
        this.smileWriter = SMILE.writerFor(codec.type());
        this.jsonTextReader = JSON_TEXT.readerFor(codec.type());
    }

    /** The serde of {@code order-state-store}'s values, writing {@code format}. */
    public static StateValueSerde<OrderState> orderState(StateValueFormat format) {
        return new StateValueSerde<>(format, StateValueCodecs.ORDER_STATE);
    }

    /** The serde of {@code seller-stats-store}'s values, writing {@code format}. */
    public static StateValueSerde<SellerStats> sellerStats(StateValueFormat format) {
        return new StateValueSerde<>(format, StateValueCodecs.SELLER_STATS);
    }

    /** The serde of {@code buyer-stats-store}'s values, writing {@code format}. */
    public static StateValueSerde<BuyerStats> buyerStats(StateValueFormat format) {
        return new StateValueSerde<>(format, StateValueCodecs.BUYER_STATS);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    private byte[] encode(T value) {
        return switch (format) {
            case COMPACT -> {
                CompactOutput out = new CompactOutput();
                codec.write(out, value);
                yield out.toByteArray();
            }
            case SMILE -> {
                try {
                    yield smileWriter.writeValueAsBytes(value);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot encode " + codec.type().getSimpleName(), e);
                }
            }
        };
    }

    private T decode(byte[] bytes) {
        try {
            T value;
            if (CompactFormat.isCompact(bytes)) {
                value = CompactInput.read(bytes, codec);
            } else if (isSmile(bytes)) {
                value = smileReader.readValue(bytes);
            } else {
                value = jsonTextReader.readValue(bytes);
            }
            // a stored null (JSON's or Smile's) would read as no value at all: the order unseen, counted again
            return Objects.requireNonNull(value, "a null where a value is stored");
        } catch (IOException | RuntimeException e) {
            throw new UnreadableStateValueException("not a valid " + codec.type().getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean isSmile(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == SmileConstants.HEADER_BYTE_1
                && bytes[1] == SmileConstants.HEADER_BYTE_2 && bytes[2] == SmileConstants.HEADER_BYTE_3;
    }
}
