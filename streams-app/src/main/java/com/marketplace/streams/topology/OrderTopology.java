package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.dedupe.DedupeProcessorSupplier;
import com.marketplace.streams.dedupe.DroppedDuplicates;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.QueryablePartitions;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The streams app's topology, built by a pure function: {@link #build(StreamsAppConfig)} returns
 * a {@link Topology} and starts nothing.
 *
 * <pre>
 * order.created + order.status-changed (bytes)
 *   → decode-envelope ─(unreadable / key ≠ orderId / not on its key's partition)→ marketplace.dlq (dlq-* headers)
 *   → dedupe (dedupe-store) → first-seen events
 *       ├→ marketplace.email, marketplace.notification, marketplace.analytics
 *       ├→ order-statistics: order-state-store, partial-orders-store, and for this input partition's
 *       │     orders status-counts-store, buyer-stats-store, seller-stats-store, orders-per-minute-store
 *       └→ partial-order-purge (order-state-store through partial-orders-store, after PARTIAL_ORDER_RETENTION)
 * </pre>
 * One sub-topology: every store lives in the task that owns the order, so no record is re-keyed
 * and no repartition topic exists. An event's outputs, its order's state and the statistics it
 * moves are written in one exactly-once transaction; the query API adds the statistics of all
 * partitions up ({@code StoreQueries}). Every processor, store and topic is named explicitly.
 */
public final class OrderTopology {

    /**
     * The step that applies an event to its order's state and its partition's statistics. It writes
     * several stores for one event, so an exception inside it is not dead-lettered: the instance
     * stops and, under exactly_once_v2, the event's transaction is aborted
     * ({@code DeadLetterProcessingHandler}).
     */
    public static final String ORDER_STATISTICS = "order-statistics";

    private OrderTopology() {
    }

    /**
     * The topology for {@code config}, for a client whose status counts no query reads; it checks no event's
     * partition. Pure, creates no clients.
     */
    public static Topology build(StreamsAppConfig config) {
        return build(config, new QueryablePartitions(), new DroppedDuplicates(), new InputPartitionCount());
    }

    /**
     * The topology for {@code config}; its statistics step tells {@code queryablePartitions}, which the
     * client's queries read, when a partition's task processes, and makes its status moves under their
     * locks; its dedupe step counts the duplicates it drops in {@code drops}, the client's metric; its
     * decode step refuses an event read on another partition than its key's once {@code inputPartitions}
     * is known. Pure, creates no clients.
     */
    public static Topology build(StreamsAppConfig config, QueryablePartitions queryablePartitions,
                                 DroppedDuplicates drops, InputPartitionCount inputPartitions) {
        AppSerdes serdes = new AppSerdes(config.stateValueFormat());
        StreamsBuilder builder = new StreamsBuilder(
                new TopologyConfig(new StreamsConfig(config.toStreamsProperties())));
        KStream<String, EventEnvelope> events = firstSeenEvents(builder, serdes, config.dedupeRetention(),
                !config.exactlyOnce(), drops, inputPartitions);
        fanOut(events, serdes);
        events.process(OrderStatistics.supplier(serdes, queryablePartitions), Named.as(ORDER_STATISTICS));
        events.process(() -> new PartialOrderPurge(config.partialOrderRetention()), Named.as("partial-order-purge"),
                StoreNames.ORDER_STATE, StoreNames.PARTIAL_ORDERS);
        return builder.build();
    }

    private static KStream<String, EventEnvelope> firstSeenEvents(StreamsBuilder builder, AppSerdes serdes,
                                                                  Duration dedupeRetention, boolean atLeastOnce,
                                                                  DroppedDuplicates drops,
                                                                  InputPartitionCount inputPartitions) {
        var decoded = builder
                .stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(serdes.inputKeys(), serdes.bytes())
                        .withName("order-events-source"))
                .processValues(() -> new DecodeProcessor(inputPartitions), Named.as("decode-envelope"));
        var branches = decoded.split(Named.as("decode-result-"))
                .branch((key, value) -> value.isFailure(), Branched.withConsumer(failed -> failed
                        .mapValues(DecodedEvent::rawValue, Named.as("dlq-raw-value"))
                        .to(Topics.DLQ, Produced.with(serdes.string(), serdes.bytes()).withName("dlq-sink")),
                        "failed"))
                .defaultBranch(Branched.as("ok"));
        return branches.get("decode-result-ok")
                .mapValues(DecodedEvent::event, Named.as("decoded-event"))
                .processValues(new DedupeProcessorSupplier(dedupeRetention, atLeastOnce, drops), Named.as("dedupe"));
    }

    /**
     * The three derived topics. Each step forwards its records without the input's headers
     * ({@link DerivedRecords}), so they do not carry the source event's identity as their own.
     */
    private static void fanOut(KStream<String, EventEnvelope> events, AppSerdes serdes) {
        events.processValues(DerivedRecords.one(FanOut::email), Named.as("to-email"))
                .to(Topics.EMAIL, Produced.with(serdes.string(), serdes.email()).withName("email-sink"));
        events.processValues(DerivedRecords.of(FanOut::notifications), Named.as("to-notifications"))
                .to(Topics.NOTIFICATION, Produced.with(serdes.string(), serdes.notification())
                        .withName("notification-sink"));
        events.processValues(DerivedRecords.one(FanOut::analytics), Named.as("to-analytics"))
                .to(Topics.ANALYTICS, Produced.with(serdes.string(), serdes.analytics()).withName("analytics-sink"));
    }
}
