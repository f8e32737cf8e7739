package com.marketplace.events;

import java.util.Optional;

/** The order event types, with their wire name (the envelope's {@code eventType}) and topic. */
public enum EventType {
    ORDER_CREATED("OrderCreated", Topics.ORDER_CREATED),
    ORDER_STATUS_CHANGED("OrderStatusChanged", Topics.ORDER_STATUS_CHANGED);

    private final String wireName;
    private final String topic;

    EventType(String wireName, String topic) {
        this.wireName = wireName;
        this.topic = topic;
    }

    /** The name used in the envelope's {@code eventType} field and the {@code event-type} header. */
    public String wireName() {
        return wireName;
    }

    /** The topic events of this type are published to. */
    public String topic() {
        return topic;
    }

    /** The type with this wire name, or empty when the name is unknown. */
    public static Optional<EventType> fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
