package com.marketplace.streams.http;

import com.marketplace.events.DecimalIds;
import com.marketplace.http.ClientInput;
import com.marketplace.http.ProblemException;
import com.marketplace.streams.query.QueryPaths;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Parses and validates request parameters; every violation is a 400 {@link ProblemException}
 * whose detail quotes the rejected input only truncated ({@link ClientInput}).
 */
final class RequestParams {

    private static final Pattern PARTITION = Pattern.compile("0|[1-9][0-9]{0,4}");
    private static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59Z");
    /** An offset whose '+' arrived as a space, form-decoded: "…T19:00:00 09:00". */
    private static final Pattern OFFSET_SIGN_AS_SPACE = Pattern.compile(" \\d{2}(:?\\d{2})?$");

    /** The longest orders-per-minute range a client may ask for: the store's retention. */
    static final Duration MAX_RANGE = Duration.ofHours(24);

    private RequestParams() {
    }

    /** A positive id in ASCII digits, without sign or leading zero ({@link DecimalIds}). */
    static long id(String name, String raw) {
        return DecimalIds.parse(raw).orElseThrow(() -> invalid(name
                + " must be a positive integer in ASCII digits without sign or leading zero, was " + ClientInput.quote(raw)));
    }

    /**
     * A required ISO-8601 instant such as {@code 2026-11-25T10:15:00Z}, between 1970 and 9999 (window
     * stores address time in epoch milliseconds; far-away years would overflow them).
     */
    static Instant instant(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            throw invalid("query parameter '" + name + "' is required (an ISO-8601 instant)");
        }
        Instant instant;
        try {
            instant = Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            // an offset's '+' left unencoded in a query arrives as a space (form decoding): say so
            String hint = OFFSET_SIGN_AS_SPACE.matcher(raw.trim()).find()
                    ? " (a '+' in a query string means a space: send it as %2B)" : "";
            throw invalid(name + " must be an ISO-8601 instant such as 2026-11-25T10:15:00Z, was "
                    + ClientInput.quote(raw) + hint);
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST_INSTANT)) {
            throw invalid(name + " must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        }
        return instant;
    }

    /** Checks {@code from < to} and a range of at most {@link #MAX_RANGE}. */
    static void requireRange(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw invalid("'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw invalid("the range from 'from' to 'to' must be at most 24 hours");
        }
    }

    /**
     * A non-empty, comma-separated list of distinct partition numbers ({@code 0}, {@code 1}, …: ASCII
     * digits, no sign, no leading zero, below {@link QueryPaths#MAX_PARTITIONS}).
     */
    static Set<Integer> partitions(String raw) {
        Set<Integer> partitions = new TreeSet<>();
        for (String number : raw.split(",", -1)) {
            if (!PARTITION.matcher(number).matches() || Integer.parseInt(number) >= QueryPaths.MAX_PARTITIONS
                    || !partitions.add(Integer.parseInt(number))) {
                throw invalid("partitions must be distinct partition numbers separated by commas, was "
                        + ClientInput.quote(raw));
            }
        }
        return partitions;
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(QueryApiProblems.INVALID_PARAMETER, detail);
    }
}
