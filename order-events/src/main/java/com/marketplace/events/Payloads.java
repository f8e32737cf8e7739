package com.marketplace.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Argument checks shared by the contract records. A record that fails one cannot be constructed,
 * so a decoded event that breaks the contract's ranges is MALFORMED (and dead-lettered by the
 * streams app) instead of reaching the statistics and outputs with values no order can have.
 */
final class Payloads {

    /**
     * Digits an amount may have before its decimal point: the gateway stores amounts as
     * {@code DECIMAL(19,2)} (architecture.md, "Order gateway HTTP API").
     */
    static final int MAX_AMOUNT_INTEGER_DIGITS = 17;
    /** The earliest instant an event may carry: the first of the four-digit years. */
    static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest instant an event may carry: the end of the four-digit years. */
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Payloads() {
    }

    static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    /**
     * An amount of money: not negative (positive when {@code positive}), at most two decimal places
     * ({@code 1500.000} counts as {@code 1500.00}) and at most 17 digits before the point (zero has
     * one, however it is written: {@code 0E+20} is {@code 0}). Checked
     * from the number's scale and precision, without expanding it, so a huge exponent costs nothing.
     *
     * @return {@code amount} with at most two decimal places and none below zero: trailing zeros beyond
     *         them are dropped ({@code 1500.000} becomes {@code 1500.00}), so sums of amounts keep the
     *         contract's scale and no output repeats a sender's zeros, and an exponent is spelt out
     *         ({@code 15E+2} becomes {@code 1500}), as the codec writes it, so an event reads back as it was read
     */
    static BigDecimal requireAmount(BigDecimal amount, String name, boolean positive) {
        Objects.requireNonNull(amount, name);
        if (positive ? amount.signum() <= 0 : amount.signum() < 0) {
            throw new IllegalArgumentException(name + " must be " + (positive ? "> 0" : ">= 0"));
        }
        if (!Amounts.hasAtMostTwoPlaces(amount)) {
            throw new IllegalArgumentException(name + " has more than " + Amounts.MAX_SCALE + " decimal places");
        }
        if (amount.signum() == 0) {
            return amount.scale() < 0 ? BigDecimal.ZERO : amount.setScale(Math.min(amount.scale(), Amounts.MAX_SCALE));
        }
        if ((long) amount.precision() - amount.scale() > MAX_AMOUNT_INTEGER_DIGITS) {
            throw new IllegalArgumentException(name + " has more than " + MAX_AMOUNT_INTEGER_DIGITS
                    + " digits before the decimal point");
        }
        // at most 17 digits before the point by now, so spelling an exponent out is cheap
        return amount.scale() > Amounts.MAX_SCALE || amount.scale() < 0
                ? amount.setScale(Math.min(Math.max(amount.scale(), 0), Amounts.MAX_SCALE), RoundingMode.UNNECESSARY)
                : amount;
    }

    /** Ids of other parties (sellers): each one {@code > 0}, at most {@code max} of them. */
    static List<Long> requirePositiveIds(List<Long> ids, String name, int max) {
        List<Long> copy = List.copyOf(Objects.requireNonNull(ids, name));
        if (copy.size() > max) {
            throw new IllegalArgumentException(name + " has more than " + max + " elements");
        }
        for (long id : copy) {
            requirePositive(id, name + " element");
        }
        return copy;
    }

    /** A currency code as the gateway accepts it ({@link CurrencyCodes}). */
    static String requireCurrency(String currency) {
        Objects.requireNonNull(currency, "currency");
        if (!CurrencyCodes.isCode(currency)) {
            throw new IllegalArgumentException("currency must be three upper-case letters A-Z, was '" + currency + "'");
        }
        return currency;
    }

    /**
     * Text of at most {@code maxLength} characters that UTF-8 can hold: not null, and no surrogate
     * without its pair (a JSON escape of half a pair decodes to one). Such a string would pass through
     * the streams app's outputs (JSON escapes it) and then fail its compact state values after the
     * event's outputs were written.
     */
    static String requireText(String value, String name, int maxLength) {
        Objects.requireNonNull(value, name);
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(name + " is longer than " + maxLength + " characters");
        }
        int unpaired = WellFormedText.unpairedSurrogateAt(value);
        if (unpaired >= 0) {
            throw new IllegalArgumentException(name + " has an unpaired surrogate at index " + unpaired);
        }
        return value;
    }

    /** An instant within the four-digit years (0001–9999), as the contract writes them. */
    static void requireInstant(Instant instant, String name) {
        Objects.requireNonNull(instant, name);
        if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
            throw new IllegalArgumentException(name + " must lie within the years 0001-9999, was " + instant);
        }
    }
}
