package com.marketplace.kafka.topics;

/**
 * The brokers answered, and refused to create or describe the topics for a reason asking again will
 * not change: a replication factor above the brokers' count, a topic policy, missing authorisation,
 * a topic setting the brokers do not know. A service refuses to start on it, as on any other
 * configuration it cannot run with, rather than start and never publish. The message is one line.
 */
public class TopicsRefusedException extends IllegalStateException {

    public TopicsRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
