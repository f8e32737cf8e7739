package com.marketplace.streams.serde;

import com.marketplace.events.AnalyticsEvent;
import com.marketplace.events.EmailMessage;
import com.marketplace.events.EventCodec;
import com.marketplace.events.Notification;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerStats;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every serde of the topology, built once. Keys are strings (orderId, status, eventId) or longs
 * (sellerId, buyerId); values of the contract are JSON through {@link EventCodec}, internal values
 * of the state stores in the compact form or Smile ({@link StateValueSerde}); raw input
 * values are bytes and input keys are refused unless well-formed UTF-8, so a bad record can be
 * dead-lettered as received.
 */
public final class AppSerdes {

    private final Serde<String> string = Serdes.String();
    private final Serde<String> inputKeys = Serdes.serdeFrom(Serdes.String().serializer(), new Utf8KeyDeserializer());
    private final Serde<Long> longs = Serdes.Long();
    private final Serde<byte[]> bytes = Serdes.ByteArray();
    private final Serde<EmailMessage> email = JsonSerde.of(EmailMessage.class);
    private final Serde<Notification> notification = JsonSerde.of(Notification.class);
    private final Serde<AnalyticsEvent> analytics = JsonSerde.of(AnalyticsEvent.class);
    private final Serde<OrderState> orderState;
    private final Serde<SellerStats> sellerStats;
    private final Serde<BuyerStats> buyerStats;

    /** The serdes, with state values written in {@code stateValueFormat}. */
    public AppSerdes(StateValueFormat stateValueFormat) {
        this.orderState = StateValueSerde.orderState(stateValueFormat);
        this.sellerStats = StateValueSerde.sellerStats(stateValueFormat);
        this.buyerStats = StateValueSerde.buyerStats(stateValueFormat);
    }

    public Serde<String> string() {
        return string;
    }

    /** The order topics' keys: strings, refused when not well-formed UTF-8 ({@link Utf8KeyDeserializer}). */
    public Serde<String> inputKeys() {
        return inputKeys;
    }

    public Serde<Long> longs() {
        return longs;
    }

    public Serde<byte[]> bytes() {
        return bytes;
    }

    public Serde<EmailMessage> email() {
        return email;
    }

    public Serde<Notification> notification() {
        return notification;
    }

    public Serde<AnalyticsEvent> analytics() {
        return analytics;
    }

    public Serde<OrderState> orderState() {
        return orderState;
    }

    public Serde<SellerStats> sellerStats() {
        return sellerStats;
    }

    public Serde<BuyerStats> buyerStats() {
        return buyerStats;
    }
}
