package com.marketplace.kafka.embedded;

/**
 * Thrown when the embedded broker cannot be formatted, started, reached or asked to create topics.
 * The message names the broker address or log directory involved; the cause is the original failure.
 */
public class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the broker address or log directory
     * @param cause   the original failure
     */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed, naming the broker address or log directory
     */
    public EmbeddedKafkaException(String message) {
        super(message);
    }
}
