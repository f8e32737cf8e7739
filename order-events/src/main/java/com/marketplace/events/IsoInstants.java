package com.marketplace.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Writes and reads the one instant form the contract writes, {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with one to
 * nine fraction digits (what {@link Instant#toString()} and Jackson write), without going through
 * {@link java.time.format.DateTimeFormatter}. Every event carries two or three instants, and
 * {@code DateTimeFormatter.ISO_INSTANT} took about 6 % of the streams app's stream thread in a
 * profile of the throughput benchmark. Any other text, including every form the formatter accepts
 * and this method does not (an offset, a leap second, a year beyond 9999, spaces), is left to
 * {@link Instant#parse}, so the result and the errors are exactly those of {@code Instant.parse}.
 */
public final class IsoInstants {

    private static final int[] SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};
    private static final int SHORTEST = "2000-01-01T00:00:00Z".length();
    private static final int LONGEST = "2000-01-01T00:00:00.123456789Z".length();
    /** The instants {@link #format} writes itself: years 0001 to 9999, always four digits. */
    private static final long FIRST_FAST = LocalDate.of(1, 1, 1).toEpochDay() * 86_400;
    private static final long LAST_FAST = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400 + 86_399;

    private IsoInstants() {
    }

    /**
     * {@link Instant#toString()} of {@code instant}, the same text ({@code DateTimeFormatter.ISO_INSTANT}:
     * the fraction in groups of three digits, none when it is zero), written digit by digit for years
     * 0001 to 9999 and left to {@code toString} for the others.
     */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FAST || seconds > LAST_FAST) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nanos = instant.getNano();
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] text = new char[SHORTEST + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        putDigits(text, 0, date.getYear(), 4);
        text[4] = '-';
        putDigits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        putDigits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        putDigits(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        putDigits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        putDigits(text, 17, secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            text[19] = '.';
            putDigits(text, 20, nanos / SCALE[fractionDigits - 1], fractionDigits);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    /** Writes {@code value} as {@code count} decimal digits, zero-padded, at {@code from}. */
    private static void putDigits(char[] text, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * {@link Instant#parse} of {@code text}.
     *
     * @throws java.time.format.DateTimeParseException as {@code Instant.parse} does
     */
    public static Instant parse(CharSequence text) {
        Instant instant = parseUtcOrNull(text);
        return instant != null ? instant : Instant.parse(text);
    }

    /**
     * The instant of {@code text} when it is in the form above with valid fields, otherwise null
     * (the text may still be an instant {@code Instant.parse} reads).
     */
    static Instant parseUtcOrNull(CharSequence text) {
        int length = text.length();
        if (length < SHORTEST || length > LONGEST || length == SHORTEST + 1 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > SHORTEST) {
            int fractionDigits = length - SHORTEST - 1;
            int fraction = text.charAt(19) == '.' ? digits(text, 20, fractionDigits) : -1;
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * SCALE[fractionDigits - 1];
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
