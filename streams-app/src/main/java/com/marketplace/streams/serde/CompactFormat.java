package com.marketplace.streams.serde;

/**
 * The bytes that mark a state value in the compact form and the tags inside it
 * ({@link CompactOutput}, {@link CompactInput}).
 *
 * <p>The first byte of a value is its format version. Versions are the bytes {@code 0x01} to
 * {@link #LAST_RESERVED_VERSION}, which can begin neither Smile (whose header starts with {@code ':'})
 * nor JSON text, so every stored form is told apart by its first byte. One version covers every
 * state value type. A change of any type's layout takes the next version, keeps a reader for every
 * earlier one, and is rolled out like the compact form itself: first written only once every
 * instance can read it.
 */
final class CompactFormat {

    /** Version 1: the layouts of {@link StateValueCodecs}. */
    static final byte VERSION_1 = 0x01;
    /** The last byte kept for later versions of the compact form. */
    static final byte LAST_RESERVED_VERSION = 0x08;

    /** Tag of a decimal or instant that is null. */
    static final byte ABSENT = 0;
    /** Tag of an instant that is present. */
    static final byte INSTANT = 1;
    /** Tag of a decimal whose unscaled value is written as a long. */
    static final byte DECIMAL_LONG = 1;
    /** Tag of a decimal whose unscaled value is written as the bytes of a {@link java.math.BigInteger}. */
    static final byte DECIMAL_BIG = 2;

    private CompactFormat() {
    }

    /** Whether {@code bytes} begin with a version of the compact form, this code's or a later one. */
    static boolean isCompact(byte[] bytes) {
        return bytes.length > 0 && bytes[0] >= VERSION_1 && bytes[0] <= LAST_RESERVED_VERSION;
    }
}
