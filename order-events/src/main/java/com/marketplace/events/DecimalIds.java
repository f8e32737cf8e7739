package com.marketplace.events;

import java.util.OptionalLong;

/**
 * An id (order, buyer, seller) as text, the way the contract writes it in paths and record keys:
 * ASCII digits {@code 0-9} only, no sign, no leading zero, from 1 to {@link Long#MAX_VALUE}. So one
 * id has exactly one spelling: {@code "+7"}, {@code "07"} and {@code "٧"} (Arabic-Indic seven) are
 * not ids, although {@link Long#parseLong} reads all three as 7.
 */
public final class DecimalIds {

    private static final int MAX_DIGITS = 19;

    private DecimalIds() {
    }

    /** The id spelled by {@code text}, or empty when it is not the canonical spelling of a positive long. */
    public static OptionalLong parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_DIGITS || text.charAt(0) == '0') {
            return OptionalLong.empty();
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return OptionalLong.empty();
            }
            value = value * 10 + digit;
        }
        return OptionalLong.of(value);
    }
}
