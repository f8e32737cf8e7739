package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.query.BuyerStatsView;
import com.marketplace.streams.query.OrderStateView;
import com.marketplace.streams.query.SellerStatsView;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.SellerStats;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upgrade from a version that wrote the state values as Smile (real broker): an instance writing
 * Smile ({@code STATE_VALUE_FORMAT=smile}, the first round of the upgrade, whose bytes are those of
 * the earlier versions: {@code StateValueSerdeTest} pins them) processes the order creations; the
 * same application writing the compact form (the second round) then applies the status changes to
 * those Smile values; then its local state is lost and rebuilt from changelogs that hold both forms.
 * After the change of format and after the rebuild, every status count, seller, buyer and order state
 * is right.
 */
class StateValueUpgradeIT {

    private static final int ORDERS = 60;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final byte COMPACT_FORMAT = 0x01;
    private static final byte SMILE_HEADER = ':';

    private final QueryHttp http = new QueryHttp();
    private EmbeddedKafkaBroker broker;
    private StreamsApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void statisticsStayRightWhileTheFormatChangesAndAfterARebuildFromBothForms() throws IOException {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        broker.createTopics(3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        InputScenario scenario = InputScenario.ofOrders(41, ORDERS, 10, base);
        ExpectedStats expected = new ExpectedStats(scenario);
        List<EventEnvelope> creations = scenario.sends.stream().filter(e -> e.payload() instanceof OrderCreated).toList();
        List<EventEnvelope> changes = scenario.sends.stream().filter(e -> !(e.payload() instanceof OrderCreated)).toList();
        assertThat(changes).as("the scenario changes the status of some orders").isNotEmpty();
        String applicationId = "upgrade-it-" + UUID.randomUUID().toString().substring(0, 8);

        InputScenario.publish(broker.bootstrapServers(), creations);
        app = startAndSettle(config(applicationId, "smile"), pendingOnly());
        stopApp();
        for (String store : List.of(StoreNames.ORDER_STATE, StoreNames.SELLER_STATS, StoreNames.BUYER_STATS)) {
            assertThat(firstBytesOf(applicationId, store)).as("the first round wrote %s as Smile", store)
                    .containsOnly(SMILE_HEADER);
        }

        InputScenario.publish(broker.bootstrapServers(), changes);
        StreamsAppConfig compact = config(applicationId, "compact");
        app = startAndSettle(compact, expected.statusCountsOfEveryStatus());
        assertEveryStatisticAndOrderState(expected);
        stopApp();
        for (String store : List.of(StoreNames.ORDER_STATE, StoreNames.SELLER_STATS, StoreNames.BUYER_STATS)) {
            assertThat(firstBytesOf(applicationId, store)).as("%s's changelog holds both forms", store)
                    .containsExactlyInAnyOrder(SMILE_HEADER, COMPACT_FORMAT);
        }

        Path localState = compact.stateDir().resolve(applicationId);
        assertThat(localState).isDirectory();
        deleteRecursively(localState); // the local state is lost: every store is restored from its changelog
        app = startAndSettle(compact, expected.statusCountsOfEveryStatus());
        assertEveryStatisticAndOrderState(expected);
    }

    private static Map<String, Long> pendingOnly() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OrderStatus status : OrderStatus.values()) {
            counts.put(status.name(), status == OrderStatus.PENDING ? (long) ORDERS : 0L);
        }
        return counts;
    }

    private StreamsApp startAndSettle(StreamsAppConfig config, Map<String, Long> expectedCounts) {
        StreamsApp started = StreamsApp.create(config).start();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(250)).until(() ->
                started.streams().state() == KafkaStreams.State.RUNNING
                        && http.statusCounts(started.port()).equals(expectedCounts));
        return started;
    }

    private void stopApp() {
        app.stop();
        app = null;
    }

    private void assertEveryStatisticAndOrderState(ExpectedStats expected) {
        expected.orderStatus.forEach((orderId, status) -> assertThat(
                answer("/api/v1/orders/" + orderId + "/state", OrderStateView.class).status())
                .as("order %d", orderId).isEqualTo(status));
        for (SellerStats seller : expected.sellers.values()) {
            SellerStatsView answer = answer("/api/v1/stats/sellers/" + seller.sellerId(), SellerStatsView.class);
            assertThat(answer).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                    .isEqualTo(new SellerStatsView(seller.sellerId(), seller.orders(), seller.itemsSold(), seller.revenue()));
        }
        for (BuyerStats buyer : expected.buyers.values()) {
            BuyerStatsView answer = answer("/api/v1/stats/buyers/" + buyer.buyerId(), BuyerStatsView.class);
            assertThat(answer).usingRecursiveComparison().withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                    .isEqualTo(new BuyerStatsView(buyer.buyerId(), buyer.orders(), buyer.totalSpent()));
        }
    }

    private <T> T answer(String path, Class<T> type) {
        HttpResponse<String> response = http.get(app.port(), path);
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return EventCodec.INSTANCE.decode(response.body().getBytes(), type);
    }

    /** The first byte of every value in {@code store}'s changelog. */
    private Set<Byte> firstBytesOf(String applicationId, String store) {
        return OutputReader.readCommittedBytes(broker.bootstrapServers(), applicationId + "-" + store + "-changelog")
                .stream().filter(r -> r.value() != null).map(r -> r.value()[0]).collect(Collectors.toSet());
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private StreamsAppConfig config(String applicationId, String stateValueFormat) {
        int port = FreePorts.nextOnAllInterfaces();
        return StreamsAppConfig.fromEnv(Map.of("STATE_VALUE_FORMAT", stateValueFormat))
                .withKafka(broker.bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port);
    }
}
