package com.marketplace.streams.config;

/**
 * A configuration value is missing or invalid. The message is one line that names the environment
 * variable, so start-up can print it as it is and stop.
 */
public class InvalidConfigException extends IllegalArgumentException {

    /** @param message one line naming the variable, the rule and the rejected value */
    public InvalidConfigException(String message) {
        super(message);
    }

    /** @param message one line naming the variable; {@code cause} is the parse failure */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
