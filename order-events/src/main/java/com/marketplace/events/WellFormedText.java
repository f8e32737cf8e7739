package com.marketplace.events;

/**
 * Whether a string is well-formed UTF-16, so that UTF-8 can hold it: no surrogate without its pair.
 * The contract records refuse such text ({@link Payloads}), and the streams app's compact state
 * values check it again before encoding.
 */
public final class WellFormedText {

    private WellFormedText() {
    }

    /** The index of the first surrogate without its pair in {@code value}, or -1 when there is none. */
    public static int unpairedSurrogateAt(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
