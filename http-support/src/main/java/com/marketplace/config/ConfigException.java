package com.marketplace.config;

/**
 * A configuration value (an environment variable or a command-line argument) is invalid. The
 * message is one line that names the variable, the rule it breaks and, unless the value is a
 * secret, the rejected value cut to {@value #MAX_VALUE_CHARS} characters with control characters
 * replaced: fit to be printed as the only output of a failed start-up.
 */
public class ConfigException extends IllegalArgumentException {

    /** Longest part of a rejected value that a message repeats. */
    public static final int MAX_VALUE_CHARS = 60;

    private final String variable;

    private ConfigException(String variable, String message) {
        super(message);
        this.variable = variable;
    }

    /** {@code variable} broke {@code rule}, e.g. {@code "must be a port from 1 to 65535"}, with {@code value}. */
    public static ConfigException rejected(String variable, Object value, String rule) {
        return new ConfigException(variable, variable + " " + rule + ", was '" + printable(String.valueOf(value)) + "'");
    }

    /** For secrets and other values that must not be repeated: the message names the variable and the rule only. */
    public static ConfigException withoutValue(String variable, String rule) {
        return new ConfigException(variable, variable + " " + rule);
    }

    /** The name of the environment variable (or argument) that is wrong. */
    public String variable() {
        return variable;
    }

    /** The value cut to a short single line, so a message stays one line. */
    static String printable(String value) {
        // every control character, C1 (U+0080–U+009F: NEL among them) too, and the line and paragraph separators
        String oneLine = value.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", "?");
        return oneLine.length() > MAX_VALUE_CHARS ? oneLine.substring(0, MAX_VALUE_CHARS) + "…" : oneLine;
    }
}
