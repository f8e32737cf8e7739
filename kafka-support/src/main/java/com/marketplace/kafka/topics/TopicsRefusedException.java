package com.marketplace.kafka.topics;

/**
 * The brokers answered, and refused to create or describe the topics for a reason asking again will
 * not change: a topic policy, missing authorisation, a topic setting or partition count they do not
 * accept. (A replication factor above the brokers registered is not one: brokers still starting
 * answer so too.) A service refuses to start on it, as on any other
 * configuration it cannot run with, rather than start and never publish. The message is one line.
 */
public class TopicsRefusedException extends IllegalStateException {

    public TopicsRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
