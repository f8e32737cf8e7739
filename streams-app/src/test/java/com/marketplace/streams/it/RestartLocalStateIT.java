package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.streams.stats.BuyerStats;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a restart keeps of an instance's local state (real broker): after a clean stop the state is
 * kept; under exactly_once_v2 a run that left its running marker behind (as after {@code kill -9})
 * has its state deleted at the next start and rebuilt from the changelogs, with the same answers;
 * under at_least_once the state is kept after a crash too; a start with another
 * {@code DEDUPE_RETENTION} rebuilds it, so that no eventId seen before is forgotten; a start against
 * another Kafka cluster rebuilds it from that cluster's changelogs.
 */
class RestartLocalStateIT {

    private static final int ORDERS = 60;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final QueryHttp http = new QueryHttp();

    private static EmbeddedKafkaBroker broker;
    private static InputScenario scenario;
    private static Map<String, Long> expectedCounts;
    private StreamsApp app;

    @BeforeAll
    static void startBrokerAndPublish() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        scenario = InputScenario.ofOrders(23, ORDERS, 5, base);
        expectedCounts = new ExpectedStats(scenario).statusCountsOfEveryStatus();
        scenario.publish(broker.bootstrapServers());
    }

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.stop();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void underExactlyOnceACleanStopKeepsTheStateAndACrashedRunsStateIsRebuilt() throws IOException {
        StreamsAppConfig config = config(StreamsAppConfig.EXACTLY_ONCE_V2);
        Path marker = config.stateDir().resolve(config.applicationId() + ".running");

        app = startAndSettle(config);
        assertThat(marker).as("the local state is in use").exists();
        stop();
        assertThat(marker).as("a clean stop removes the marker").doesNotExist();
        Path sentinel = sentinelInATaskDirectory(config);

        app = startAndSettle(config);
        assertThat(sentinel).as("a restart after a clean stop keeps the local state").exists();
        stop();

        Files.writeString(marker, "left behind"); // the run ended without a clean stop, as after kill -9
        app = startAndSettle(config);
        assertThat(sentinel).as("the local state of a run that did not stop cleanly is deleted").doesNotExist();
        assertThat(statusCounts(app)).as("and rebuilt from the changelogs").isEqualTo(expectedCounts);
        assertThat(marker).exists();
    }

    @Test
    void aStartWithAnotherDedupeRetentionRebuildsTheStateAndCopiesOfEarlierEventsAreStillDropped() throws IOException {
        // Given an instance that ran with one retention and stopped cleanly (under at_least_once,
        // which keeps local state whenever it can)
        StreamsAppConfig config = config(StreamsAppConfig.AT_LEAST_ONCE).withDedupeRetention(Duration.ofDays(7));
        app = startAndSettle(config);
        stop();
        Path sentinel = sentinelInATaskDirectory(config);
        List<Path> segments = dedupeSegments(config);
        assertThat(segments).isNotEmpty();

        // When it starts with another one: dedupe-store's segments are then a minute longer than 3.5
        // days, so no directory name of a segment of 3.5 days (its start) is one of the new length
        app = startAndSettle(config.withDedupeRetention(Duration.ofDays(7).plusMinutes(2)));

        // Then its local state was deleted, no segment of the old length is left behind, and the
        // rebuilt store still drops a copy of every event seen before
        assertThat(sentinel).as("the state kept with another retention is deleted").doesNotExist();
        assertThat(segments).allSatisfy(segment -> assertThat(segment).doesNotExist());
        assertThat(config.stateDir().resolve(config.applicationId() + ".layout")).content().isEqualToIgnoringNewLines(
                "DEDUPE_RETENTION=PT168H2M");
        int emails = emails();
        scenario.publish(broker.bootstrapServers());
        InputScenario.awaitRead(broker.bootstrapServers(), config.applicationId(), 2L * scenario.sends.size(), SETTLE);
        assertThat(emails()).as("emails after copies of every event were read").isEqualTo(emails);
    }

    @Test
    void aStartAgainstAnotherKafkaClusterRebuildsTheStateFromThatClustersChangelogs() throws IOException {
        StreamsAppConfig config = config(StreamsAppConfig.AT_LEAST_ONCE);
        try (EmbeddedKafkaBroker other = EmbeddedKafkaBroker.builder().build()) {
            other.start();
            // Given another cluster where the same application ran (from a state directory of its own)
            // over twice the orders, so its changelogs reach further than this cluster's
            InputScenario otherScenario = InputScenario.ofOrders(31, 2 * ORDERS, 5,
                    Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)));
            ExpectedStats otherExpected = new ExpectedStats(otherScenario);
            otherScenario.publish(other.bootstrapServers());
            StreamsAppConfig onOther = config.withKafka(other.bootstrapServers(),
                    config.stateDir().resolveSibling(config.applicationId() + "-other"));
            app = startAndSettle(onOther, otherExpected.statusCountsOfEveryStatus());
            stop();
            // and an instance that ran on this cluster and stopped cleanly
            app = startAndSettle(config);
            stop();
            Path sentinel = sentinelInATaskDirectory(config);

            // When its state directory is used against the other cluster
            app = startAndSettle(config.withKafka(other.bootstrapServers(), config.stateDir()),
                    otherExpected.statusCountsOfEveryStatus());

            // Then every buyer's statistics are the other cluster's, and the state built from this one is gone
            for (long buyerId = 1; buyerId <= 50; buyerId++) {
                HttpResponse<String> answer = http.get(app.port(), QueryPaths.withId(QueryPaths.BUYER_STATS, buyerId));
                BuyerStats expected = otherExpected.buyers.get(buyerId);
                if (expected == null) {
                    assertThat(answer.statusCode()).as("buyer %d: %s", buyerId, answer.body()).isEqualTo(404);
                } else {
                    assertThat(answer.statusCode()).as("buyer %d: %s", buyerId, answer.body()).isEqualTo(200);
                    assertThat(EventCodec.INSTANCE.decode(answer.body().getBytes(StandardCharsets.UTF_8),
                            BuyerStats.class)).as("buyer %d", buyerId).usingRecursiveComparison()
                            .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expected);
                }
            }
            assertThat(sentinel).as("the state built from another cluster is deleted").doesNotExist();
            stop(); // before the other broker is closed
        }
    }

    @Test
    void underAtLeastOnceTheStateIsKeptAfterACrash() throws IOException {
        StreamsAppConfig config = config(StreamsAppConfig.AT_LEAST_ONCE);
        Path marker = config.stateDir().resolve(config.applicationId() + ".running");

        app = startAndSettle(config);
        stop();
        Path sentinel = sentinelInATaskDirectory(config);
        Files.writeString(marker, "left behind");

        app = startAndSettle(config);
        assertThat(sentinel).as("at_least_once restores from its checkpoints after a crash").exists();
        stop();
        assertThat(marker).as("the marker is kept up to date under at_least_once too").doesNotExist();
    }

    @Test
    void aStopBeforeKafkaStreamsStartedLeavesTheLastRunsMarkerAlone() throws IOException {
        StreamsAppConfig config = config(StreamsAppConfig.EXACTLY_ONCE_V2);
        Path marker = config.stateDir().resolve(config.applicationId() + ".running");
        Files.createDirectories(config.stateDir());
        Files.writeString(marker, "left behind");

        StreamsApp never = StreamsApp.create(config);
        never.stop();

        assertThat(marker).as("this run changed no state, so the last run's crash is still to be handled").exists();
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);
    }

    private void stop() {
        app.stop();
        app = null;
    }

    private static StreamsApp startAndSettle(StreamsAppConfig config) {
        return startAndSettle(config, expectedCounts);
    }

    private static StreamsApp startAndSettle(StreamsAppConfig config, Map<String, Long> counts) {
        StreamsApp started = StreamsApp.create(config).start();
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(250)).until(() ->
                started.streams().state() == KafkaStreams.State.RUNNING && statusCounts(started).equals(counts));
        return started;
    }

    private static StreamsAppConfig config(String processingGuarantee) {
        String applicationId = "restart-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.nextOnAllInterfaces();
        return StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", processingGuarantee))
                .withKafka(broker.bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port);
    }

    /** The directories of dedupe-store's segments in the instance's local state. */
    private static List<Path> dedupeSegments(StreamsAppConfig config) throws IOException {
        try (Stream<Path> files = Files.walk(config.stateDir().resolve(config.applicationId()), 3)) {
            return files.filter(path -> path.getFileName().toString().startsWith(StoreNames.DEDUPE + ".")).toList();
        }
    }

    private static int emails() {
        return OutputReader.readCommittedBytes(broker.bootstrapServers(), Topics.EMAIL).size();
    }

    /** A file of ours in the directory of task 0_0: it survives exactly as long as the task's local state. */
    private static Path sentinelInATaskDirectory(StreamsAppConfig config) throws IOException {
        Path task = config.stateDir().resolve(config.applicationId()).resolve("0_0");
        assertThat(task).as("task 0_0 has local state").isDirectory();
        return Files.writeString(task.resolve("restart-it-sentinel"), "kept?");
    }

    private static Map<String, Long> statusCounts(StreamsApp app) {
        return http.statusCounts(app.port());
    }
}
