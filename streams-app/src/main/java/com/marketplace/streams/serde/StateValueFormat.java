package com.marketplace.streams.serde;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The form in which the state stores' values are written ({@code STATE_VALUE_FORMAT}). Every form
 * is read whatever the setting, so the setting only says what is written.
 */
public enum StateValueFormat {
    /**
     * Fixed fields in a fixed order behind a version byte ({@code CompactFormat}): the default.
     * Values are about a third of the size of {@link #SMILE} and cost a fraction of its CPU to
     * write and read.
     */
    COMPACT,
    /**
     * Jackson's Smile, as versions before the compact form wrote. Set it on every instance for the
     * first of the two rolling restarts of an upgrade from such a version
     * (docs/operations.md, "Upgrading and resetting the streams app"): instances of the old version
     * cannot read the compact form.
     */
    SMILE;

    /** The setting's value: {@code compact} or {@code smile}. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format whose {@link #settingValue()} is {@code value}, if any. */
    public static Optional<StateValueFormat> fromSetting(String value) {
        return Arrays.stream(values()).filter(format -> format.settingValue().equals(value)).findFirst();
    }
}
