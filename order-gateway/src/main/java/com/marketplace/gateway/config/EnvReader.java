package com.marketplace.gateway.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads typed values out of an environment map; every failure names the variable. */
final class EnvReader {

    private final Map<String, String> env;

    EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    /** The raw value, with an unset or blank value treated as absent. */
    Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Like {@link #optional} but keeps an empty value (e.g. an empty password) as given. */
    String raw(String name, String defaultValue) {
        String value = env.get(name);
        return value == null ? defaultValue : value;
    }

    int integer(String name, int defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be an integer, was '" + printable(value.get()) + "'");
        }
    }

    boolean bool(String name, boolean defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name,
                    "must be true or false, was '" + printable(value.get()) + "'");
        };
    }

    Duration duration(String name, Duration defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Duration.parse(value.get());
        } catch (DateTimeParseException e) {
            throw new ConfigException(name,
                    "must be an ISO-8601 duration such as PT1S or P7D, was '" + printable(value.get()) + "'");
        }
    }

    /** The value cut to a short single line, so an error message stays one line. */
    static String printable(String value) {
        String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 60 ? oneLine.substring(0, 60) + "…" : oneLine;
    }
}
