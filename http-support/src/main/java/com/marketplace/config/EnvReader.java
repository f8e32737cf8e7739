package com.marketplace.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads typed values out of an environment map, with the rules every component follows:
 * <ul>
 *   <li>an unset, empty or blank variable takes its default; other values are trimmed
 *       (except by {@link #verbatim}, for passwords);</li>
 *   <li>integers are decimal, booleans {@code true} or {@code false} in any case, durations ISO-8601
 *       ({@code PT1S}, {@code P7D});</li>
 *   <li>a value of the wrong type throws {@link ConfigException} naming the variable.</li>
 * </ul>
 * Bounds are not checked here: the configuration records check them with {@link ConfigRules} when
 * constructed, so a value built in code is held to the same rules as one read from the environment.
 */
public final class EnvReader {

    private static final Pattern ASCII_INTEGER = Pattern.compile("[-+]?[0-9]+");

    private final Map<String, String> env;

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The trimmed value, or empty when the variable is unset or blank. */
    public Optional<String> optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    /** The value exactly as given (not trimmed: a password may have outer spaces), or the default when blank. */
    public String verbatim(String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    /**
     * @throws ConfigException when the value is not a decimal {@code int} in ASCII digits ({@link
     *         Integer#parseInt} alone also takes the digits of other scripts, such as {@code ７０７０})
     */
    public int integer(String name, int defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String digits = value.get();
        if (!ASCII_INTEGER.matcher(digits).matches()) {
            throw ConfigException.rejected(name, digits, "must be an integer");
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw ConfigException.rejected(name, digits, "must be an integer"); // beyond an int's range
        }
    }

    /** @throws ConfigException when the value is neither {@code true} nor {@code false} (any case) */
    public boolean bool(String name, boolean defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.rejected(name, value.get(), "must be true or false");
        };
    }

    /** @throws ConfigException when the value is not an ISO-8601 duration */
    public Duration duration(String name, Duration defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Duration.parse(value.get());
        } catch (DateTimeParseException e) {
            throw ConfigException.rejected(name, value.get(), "must be an ISO-8601 duration such as PT1S or P7D");
        }
    }

    /** @throws ConfigException when the value is not a path of this file system */
    public Path path(String name, Path defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Path.of(value.get());
        } catch (InvalidPathException e) {
            throw ConfigException.rejected(name, value.get(), "must be a file system path");
        }
    }
}
