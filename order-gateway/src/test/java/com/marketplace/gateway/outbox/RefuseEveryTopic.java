package com.marketplace.gateway.outbox;

import java.util.Map;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.CreateTopicPolicy;

/** A broker's topic policy ({@code create.topic.policy.class.name}) that refuses every new topic. */
public final class RefuseEveryTopic implements CreateTopicPolicy {

    @Override
    public void validate(RequestMetadata request) {
        throw new PolicyViolationException("no topic may be created here (" + request.topic() + ")");
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
