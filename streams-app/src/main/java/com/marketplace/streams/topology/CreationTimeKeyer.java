package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.streams.stats.OrdersPerMinute;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Prepares created orders for the per-minute count: re-keys each to {@link OrdersPerMinute#KEY}
 * and stamps it with the order's {@code createdAt}, so windows follow when orders were placed
 * rather than when the relay published them. Events that are not creations are dropped.
 */
public final class CreationTimeKeyer extends ContextualProcessor<String, EventEnvelope, String, Long> {

    @Override
    public void process(Record<String, EventEnvelope> record) {
        if (record.value().payload() instanceof OrderCreated created) {
            context().forward(new Record<>(OrdersPerMinute.KEY, created.orderId(),
                    created.createdAt().toEpochMilli(), record.headers()));
        }
    }
}
