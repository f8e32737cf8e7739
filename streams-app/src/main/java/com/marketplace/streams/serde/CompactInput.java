package com.marketplace.streams.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads what {@link CompactOutput} wrote. Any inconsistency (a value cut short, a bad tag or
 * length, bytes left over) throws {@link IllegalArgumentException} or
 * {@link java.nio.BufferUnderflowException}, which the serde reports as a malformed value.
 */
final class CompactInput {

    /**
     * The first byte of a value in the compact form, version 1. It can begin neither Smile (whose
     * header starts with {@code ':'}) nor JSON text, so every stored form is told apart by its first
     * byte.
     */
    static final byte FORMAT_V1 = 0x01;

    private final ByteBuffer buffer;

    private CompactInput(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Whether {@code bytes} are in the compact form. */
    static boolean isCompact(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == FORMAT_V1;
    }

    /** Reads the value in {@code bytes} with {@code codec}, checking that nothing is left over. */
    static <T> T read(byte[] bytes, StateValueCodec<T> codec) {
        CompactInput in = new CompactInput(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
        T value = codec.read(in);
        if (in.buffer.hasRemaining()) {
            throw new IllegalArgumentException(in.buffer.remaining() + " bytes after the value");
        }
        return value;
    }

    byte readByte() {
        return buffer.get();
    }

    boolean readBoolean() {
        byte value = buffer.get();
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("not a boolean: " + value);
        }
        return value == 1;
    }

    int readInt() {
        long zigzag = readUnsigned();
        long value = (zigzag >>> 1) ^ -(zigzag & 1);
        if (value != (int) value) {
            throw new IllegalArgumentException("not an int: " + value);
        }
        return (int) value;
    }

    /** A number written by {@link CompactOutput#writeCount}, at most {@code max}. */
    int readCount(int max) {
        long count = readUnsigned();
        if (count < 0 || count > max) {
            throw new IllegalArgumentException("bad count " + count);
        }
        return (int) count;
    }

    /** A count of elements that follow, each at least {@code minBytes} long. */
    int readElementCount(int minBytes) {
        return readCount(buffer.remaining() / minBytes);
    }

    long readLong() {
        long zigzag = readUnsigned();
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    String readString() {
        int length = readCount(buffer.remaining() + 1) - 1;
        if (length == -1) {
            return null;
        }
        String value = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }

    BigDecimal readDecimal() {
        byte tag = buffer.get();
        return switch (tag) {
            case CompactOutput.ABSENT -> null;
            case CompactOutput.DECIMAL_LONG -> {
                int scale = readInt();
                yield BigDecimal.valueOf(readLong(), scale);
            }
            case CompactOutput.DECIMAL_BIG -> {
                int scale = readInt();
                int length = readCount(buffer.remaining());
                if (length == 0) {
                    throw new IllegalArgumentException("empty unscaled value");
                }
                byte[] unscaled = new byte[length];
                buffer.get(unscaled);
                yield new BigDecimal(new BigInteger(unscaled), scale);
            }
            default -> throw new IllegalArgumentException("bad decimal tag " + tag);
        };
    }

    Instant readInstant() {
        byte tag = buffer.get();
        return switch (tag) {
            case CompactOutput.ABSENT -> null;
            case CompactOutput.PRESENT -> {
                long seconds = readLong();
                yield Instant.ofEpochSecond(seconds, readCount(999_999_999));
            }
            default -> throw new IllegalArgumentException("bad instant tag " + tag);
        };
    }

    /** Up to ten bytes of seven bits each, low bits first. */
    private long readUnsigned() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buffer.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a variable-length number longer than ten bytes");
    }
}
