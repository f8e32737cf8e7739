package com.marketplace.events;

/** Argument checks shared by the contract records. */
final class Payloads {

    private Payloads() {
    }

    static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }
}
