package com.marketplace.http;

import io.javalin.http.HandlerType;
import java.util.Set;

/**
 * Client input as it may appear in an error detail: at most {@link #MAX_ECHOED_CHARS} characters,
 * control characters replaced, in single quotes. An error never echoes more than that of what it
 * was sent, so an answer cannot be inflated or laced with text of the client's choosing.
 */
public final class ClientInput {

    /** Characters of client input an error detail repeats. */
    public static final int MAX_ECHOED_CHARS = 40;
    private static final Set<HandlerType> COMMON_METHODS = Set.copyOf(HandlerType.commonHttp());

    private ClientInput() {
    }

    /** {@code raw} cut to {@link #MAX_ECHOED_CHARS} (then "…"), control characters as '?', quoted. */
    public static String quote(String raw) {
        return raw == null ? "''" : "'" + excerpt(raw) + "'";
    }

    /**
     * {@code raw} cut to {@link #MAX_ECHOED_CHARS} code points (then "…"; never between the two halves of
     * a pair), control characters as '?', for a place that marks it as client input by itself (a field
     * name in a validation error).
     */
    public static String excerpt(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_ECHOED_CHARS) + 1);
        int end = raw.offsetByCodePoints(0, Math.min(raw.codePointCount(0, raw.length()), MAX_ECHOED_CHARS));
        raw.substring(0, end).codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (end < raw.length()) {
            out.append('…');
        }
        return out.toString();
    }

    /**
     * Whether {@code method} is one of HTTP's common methods. Jetty accepts any token as a method,
     * so a request's method is client input like its path, unless it is one of these.
     */
    public static boolean isCommonMethod(HandlerType method) {
        return COMMON_METHODS.contains(method);
    }

    /** {@code method}'s name as a detail may repeat it: as sent when common, else {@link #quote}d. */
    public static String method(HandlerType method) {
        return isCommonMethod(method) ? method.name() : quote(method.name());
    }
}
