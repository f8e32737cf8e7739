package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.dedupe.DedupeProcessorSupplier;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The streams app's topology, built by a pure function: {@link #build(StreamsAppConfig)} returns
 * a {@link Topology} and starts nothing.
 *
 * <pre>
 * order.created + order.status-changed (bytes)
 *   → decode-envelope ─(unreadable / key ≠ orderId)→ marketplace.dlq (with dlq-* headers)
 *   → dedupe (dedupe-store) → first-seen events
 *       ├→ marketplace.email, marketplace.notification, marketplace.analytics
 *       ├→ order-state-store ─┬→ status-counts-store   (groupBy status, count with subtractor)
 *       │   (partial orders purged after PARTIAL_ORDER_RETENTION: PartialOrderPurge)
 *       │                     └→ order-contributions-store: contribution changes (creation, cancellation)
 *       │                           ├→ buyer-stats-store   (by buyer: subtract before, add after)
 *       │                           └→ seller-stats-store  (by seller: subtract before, add after)
 *       └→ orders-per-minute-store (created orders, 1-minute windows by createdAt)
 * </pre>
 * Every processor, store and internal topic is named explicitly.
 */
public final class OrderTopology {

    private OrderTopology() {
    }

    /** The topology for {@code config}; pure, creates no clients. */
    public static Topology build(StreamsAppConfig config) {
        AppSerdes serdes = new AppSerdes();
        StreamsBuilder builder = new StreamsBuilder(
                new TopologyConfig(new StreamsConfig(config.toStreamsProperties())));
        KStream<String, EventEnvelope> events = firstSeenEvents(builder, serdes, config.dedupeRetention());
        fanOut(events, serdes);
        KTable<String, OrderState> complete = orderStates(events, serdes)
                .filter((orderId, state) -> state.isComplete(), Named.as("complete-orders"));
        events.process(() -> new PartialOrderPurge(config.partialOrderRetention()), Named.as("partial-order-purge"),
                StoreNames.ORDER_STATE);
        statusCounts(complete, serdes);
        partyStats(complete, serdes);
        ordersPerMinute(events, serdes);
        return builder.build();
    }

    private static KStream<String, EventEnvelope> firstSeenEvents(StreamsBuilder builder, AppSerdes serdes,
                                                                  Duration dedupeRetention) {
        var decoded = builder
                .stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(serdes.string(), serdes.bytes())
                        .withName("order-events-source"))
                .processValues(DecodeProcessor::new, Named.as("decode-envelope"));
        var branches = decoded.split(Named.as("decode-result-"))
                .branch((key, value) -> value.isFailure(), Branched.withConsumer(failed -> failed
                        .mapValues(DecodedEvent::rawValue, Named.as("dlq-raw-value"))
                        .to(Topics.DLQ, Produced.with(serdes.string(), serdes.bytes()).withName("dlq-sink")),
                        "failed"))
                .defaultBranch(Branched.as("ok"));
        return branches.get("decode-result-ok")
                .mapValues(DecodedEvent::event, Named.as("decoded-event"))
                .processValues(new DedupeProcessorSupplier(dedupeRetention), Named.as("dedupe"));
    }

    private static void fanOut(KStream<String, EventEnvelope> events, AppSerdes serdes) {
        events.mapValues(FanOut::email, Named.as("to-email"))
                .to(Topics.EMAIL, Produced.with(serdes.string(), serdes.email()).withName("email-sink"));
        events.flatMapValues(FanOut::notifications, Named.as("to-notifications"))
                .to(Topics.NOTIFICATION, Produced.with(serdes.string(), serdes.notification())
                        .withName("notification-sink"));
        events.mapValues(FanOut::analytics, Named.as("to-analytics"))
                .to(Topics.ANALYTICS, Produced.with(serdes.string(), serdes.analytics()).withName("analytics-sink"));
    }

    private static KTable<String, OrderState> orderStates(KStream<String, EventEnvelope> events, AppSerdes serdes) {
        return events
                .groupByKey(Grouped.with("order-events-by-order", serdes.string(), serdes.envelope()))
                .aggregate(() -> OrderState.NONE, (orderId, event, state) -> state.apply(event),
                        Named.as("order-state-aggregate"),
                        Materialized.<String, OrderState, KeyValueStore<Bytes, byte[]>>as(StoreNames.ORDER_STATE)
                                .withKeySerde(serdes.string()).withValueSerde(serdes.orderState()));
    }

    private static void statusCounts(KTable<String, OrderState> complete, AppSerdes serdes) {
        complete.groupBy((orderId, state) -> KeyValue.pair(state.status().name(), state.orderId()),
                        Grouped.with("status-counts-by-status", serdes.string(), serdes.longs()))
                .count(Named.as("status-counts"),
                        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(StoreNames.STATUS_COUNTS)
                                .withKeySerde(serdes.string()).withValueSerde(serdes.longs()));
    }

    /**
     * Buyer and seller statistics. An order has several sellers, and a KTable groupBy maps a row to
     * one key, so instead of grouping the order table {@link ContributionChanges} sends, per party,
     * how the order's contribution changed; most status changes change none and send nothing.
     */
    private static void partyStats(KTable<String, OrderState> complete, AppSerdes serdes) {
        var changes = complete.toStream(Named.as("complete-order-changes"))
                .process(ContributionChanges.supplier(serdes.orderContributions()), Named.as("contribution-changes"))
                .split(Named.as("contribution-changes-"))
                .branch((party, change) -> change.party() == PartyChange.Party.SELLER, Branched.as("seller"))
                .defaultBranch(Branched.as("buyer"));
        changes.get("contribution-changes-buyer")
                .mapValues(PartyChange::change, Named.as("buyer-contribution-change"))
                .groupByKey(Grouped.with("buyer-contributions-by-buyer", serdes.longs(), serdes.contributionChange()))
                .aggregate(BuyerStats::empty, (buyerId, change, stats) -> stats.apply(buyerId, change),
                        Named.as("buyer-stats"),
                        Materialized.<Long, BuyerStats, KeyValueStore<Bytes, byte[]>>as(StoreNames.BUYER_STATS)
                                .withKeySerde(serdes.longs()).withValueSerde(serdes.buyerStats()));
        changes.get("contribution-changes-seller")
                .mapValues(PartyChange::change, Named.as("seller-contribution-change"))
                .groupByKey(Grouped.with("seller-contributions-by-seller", serdes.longs(), serdes.contributionChange()))
                .aggregate(SellerStats::empty, (sellerId, change, stats) -> stats.apply(sellerId, change),
                        Named.as("seller-stats"),
                        Materialized.<Long, SellerStats, KeyValueStore<Bytes, byte[]>>as(StoreNames.SELLER_STATS)
                                .withKeySerde(serdes.longs()).withValueSerde(serdes.sellerStats()));
    }

    private static void ordersPerMinute(KStream<String, EventEnvelope> events, AppSerdes serdes) {
        events.process(CreationTimeKeyer::new, Named.as("orders-per-minute-key"))
                .groupByKey(Grouped.with("orders-per-minute-by-key", serdes.string(), serdes.longs()))
                .windowedBy(TimeWindows.ofSizeAndGrace(OrdersPerMinute.WINDOW, OrdersPerMinute.GRACE))
                .count(Named.as("orders-per-minute"),
                        Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(StoreNames.ORDERS_PER_MINUTE)
                                .withKeySerde(serdes.string()).withValueSerde(serdes.longs())
                                .withRetention(OrdersPerMinute.RETENTION));
    }
}
