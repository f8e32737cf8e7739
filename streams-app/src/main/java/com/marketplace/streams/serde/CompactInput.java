package com.marketplace.streams.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads what {@link CompactOutput} wrote. A value that does not follow the layout (cut short, a bad
 * tag, count, length or number, bytes left over, a string that is not UTF-8, a version this code
 * does not know) throws a {@link RuntimeException}, which the serde reports as an unreadable value.
 * The layout has no checksum: a broken byte inside a number's value, or one that leaves a string
 * UTF-8, is read as it is (the stores and their changelogs check their own data).
 */
final class CompactInput {

    private final ByteBuffer buffer;

    private CompactInput(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /**
     * Reads the value in {@code bytes} (which {@link CompactFormat#isCompact} accepts) with
     * {@code codec}, checking that nothing is left over.
     */
    static <T> T read(byte[] bytes, StateValueCodec<T> codec) {
        if (bytes[0] != CompactFormat.VERSION_1) {
            throw new IllegalArgumentException("compact form version " + bytes[0]
                    + " is not known to this version of the app (written by a newer one?)");
        }
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

    /** A count of elements that follow, each at least {@code minBytes} long, so that many must be left. */
    int readElementCount(int minBytes) {
        int count = readCount(Integer.MAX_VALUE);
        if (count > buffer.remaining() / minBytes) {
            throw new IllegalArgumentException(count + " elements cannot fit in the " + buffer.remaining()
                    + " bytes left");
        }
        return count;
    }

    /** A length of bytes that follow, so that many must be left. */
    private int readLength() {
        return requireLeft(readCount(Integer.MAX_VALUE));
    }

    private int requireLeft(int length) {
        if (length > buffer.remaining()) {
            throw new IllegalArgumentException("length " + length + " beyond the " + buffer.remaining()
                    + " bytes left");
        }
        return length;
    }

    long readLong() {
        long zigzag = readUnsigned();
        return (zigzag >>> 1) ^ -(zigzag & 1);
    }

    String readString() {
        int lengthPlusOne = readCount(Integer.MAX_VALUE);
        if (lengthPlusOne == 0) {
            return null;
        }
        int length = requireLeft(lengthPlusOne - 1);
        ByteBuffer utf8 = buffer.slice().limit(length);
        buffer.position(buffer.position() + length);
        String value = new String(utf8.array(), utf8.arrayOffset(), length, StandardCharsets.UTF_8);
        if (value.indexOf('\uFFFD') >= 0) {
            // U+FFFD is what the lenient read puts in for broken bytes (and the next write would keep);
            // only then is the string read again strictly, to tell them from a U+FFFD written as such
            requireUtf8(utf8);
        }
        return value;
    }

    private static void requireUtf8(ByteBuffer utf8) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string that is not UTF-8", e);
        }
    }

    BigDecimal readDecimal() {
        byte tag = buffer.get();
        return switch (tag) {
            case CompactFormat.ABSENT -> null;
            case CompactFormat.DECIMAL_LONG -> {
                int scale = readInt();
                yield BigDecimal.valueOf(readLong(), scale);
            }
            case CompactFormat.DECIMAL_BIG -> {
                int scale = readInt();
                int length = readLength();
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
            case CompactFormat.ABSENT -> null;
            case CompactFormat.INSTANT -> {
                long seconds = readLong();
                yield Instant.ofEpochSecond(seconds, readCount(999_999_999));
            }
            default -> throw new IllegalArgumentException("bad instant tag " + tag);
        };
    }

    /** Up to ten bytes of seven bits each, low bits first; the tenth holds only the 64th bit. */
    private long readUnsigned() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buffer.get();
            if (shift == 63 && (b & 0x7E) != 0) {
                throw new IllegalArgumentException("a variable-length number beyond 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("a variable-length number longer than ten bytes");
    }
}
