package com.marketplace.streams.serde;

import com.marketplace.events.WellFormedText;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes the compact form of a state value: the version byte ({@link CompactFormat}), then the
 * fields as a codec writes them. Whole numbers are variable-length (seven bits a byte, low bits
 * first, as protocol buffers and Kafka's record format write them; ints and longs zig-zag encoded
 * so that small negative numbers stay short); a string is its UTF-8 length plus one (0 for null)
 * and its bytes; a decimal is a tag byte that says whether and how it is present, its scale and its
 * unscaled value; an instant is a tag byte, epoch seconds and nanoseconds. Not thread-safe; one per
 * value.
 */
final class CompactOutput {

    private ByteBuffer buffer = ByteBuffer.allocate(128);

    CompactOutput() {
        buffer.put(CompactFormat.VERSION_1);
    }

    void writeByte(int value) {
        ensure(1).put((byte) value);
    }

    void writeBoolean(boolean value) {
        writeByte(value ? 1 : 0);
    }

    /** A count, length or other number that is never negative. */
    void writeCount(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative count " + value);
        }
        writeUnsigned(value);
    }

    /** Any int, zig-zag encoded. */
    void writeInt(int value) {
        writeUnsigned(((value << 1) ^ (value >> 31)) & 0xFFFF_FFFFL);
    }

    /** Any long, zig-zag encoded. */
    void writeLong(long value) {
        writeUnsigned((value << 1) ^ (value >> 63));
    }

    void writeString(String value) {
        if (value == null) {
            writeCount(0);
            return;
        }
        requireWellFormed(value);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeCount(utf8.length + 1);
        ensure(utf8.length).put(utf8);
    }

    void writeDecimal(BigDecimal value) {
        if (value == null) {
            writeByte(CompactFormat.ABSENT);
        } else if (value.precision() <= 18) {
            // at most 18 digits: the unscaled value fits in a long
            writeByte(CompactFormat.DECIMAL_LONG);
            writeInt(value.scale());
            writeLong(value.unscaledValue().longValueExact());
        } else {
            byte[] unscaled = value.unscaledValue().toByteArray();
            writeByte(CompactFormat.DECIMAL_BIG);
            writeInt(value.scale());
            writeCount(unscaled.length);
            ensure(unscaled.length).put(unscaled);
        }
    }

    void writeInstant(Instant value) {
        if (value == null) {
            writeByte(CompactFormat.ABSENT);
        } else {
            writeByte(CompactFormat.INSTANT);
            writeLong(value.getEpochSecond());
            writeCount(value.getNano());
        }
    }

    /**
     * Refuses a string with an unpaired surrogate, which UTF-8 cannot hold ({@code getBytes} would
     * silently write {@code ?} instead), as Smile refused it before.
     */
    private static void requireWellFormed(String value) {
        int unpaired = WellFormedText.unpairedSurrogateAt(value);
        if (unpaired >= 0) {
            throw new IllegalArgumentException("unpaired surrogate at index " + unpaired + " of a string");
        }
    }

    private void writeUnsigned(long value) {
        ByteBuffer out = ensure(10);
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
            buffer = ByteBuffer.wrap(Arrays.copyOf(buffer.array(), capacity)).position(buffer.position());
        }
        return buffer;
    }
}
