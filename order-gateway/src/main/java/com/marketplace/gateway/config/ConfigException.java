package com.marketplace.gateway.config;

/**
 * A configuration value is missing or invalid. The message is one line that names the environment
 * variable and says what is wrong, fit to be printed as the only output of a failed start-up.
 */
public class ConfigException extends RuntimeException {

    private final String variable;

    public ConfigException(String variable, String problem) {
        super("Invalid configuration: " + variable + " " + problem);
        this.variable = variable;
    }

    /** The name of the environment variable that is wrong. */
    public String variable() {
        return variable;
    }
}
