package com.marketplace.events;

/**
 * The contract's rule for currencies, shared by the gateway's validation and the events' own checks:
 * a code of three upper-case letters A–Z (architecture.md, "Order gateway HTTP API").
 */
public final class CurrencyCodes {

    private CurrencyCodes() {
    }

    /** Whether {@code code} is three upper-case letters A–Z. */
    public static boolean isCode(String code) {
        return code.length() == 3 && isUpper(code.charAt(0)) && isUpper(code.charAt(1)) && isUpper(code.charAt(2));
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
