package com.marketplace.streams.serde;

/**
 * How one internal value type is written in the compact form and read back ({@link StateValueCodecs}).
 * The fields are written in a fixed order without names; a codec never reorders, removes or
 * reinterprets a field of a form that may be stored. A change of layout is a new version of the
 * form ({@link CompactFormat}) with a reader for every earlier one.
 *
 * @param <T> the value type
 */
interface StateValueCodec<T> {

    /** The value type, for messages and for reading values written by data binding. */
    Class<T> type();

    /** Writes {@code value} (never null). */
    void write(CompactOutput out, T value);

    /** Reads one value written by {@link #write}. */
    T read(CompactInput in);
}
