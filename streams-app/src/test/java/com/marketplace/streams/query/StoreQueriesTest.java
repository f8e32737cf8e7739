package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.streams.stats.OrdersPerMinute;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreQueries} over a client that is never started: when Kafka Streams leaves RUNNING while a
 * query is under way (it is stopping, or a stream thread failed) the query is unavailable (503), never
 * a failure of the server (500); and which range of windows an orders-per-minute query reads.
 */
class StoreQueriesTest {

    private static final HostInfo SELF = new HostInfo("127.0.0.1", 7071);
    private static final Forwarder NO_PEERS = new Forwarder() {
        @Override
        public <T> Optional<T> get(HostInfo host, String pathAndQuery, Class<T> type) {
            throw new AssertionError("no other instance owns anything here");
        }
    };

    @TempDir
    Path stateDir;

    private KafkaStreams streams;

    @AfterEach
    void close() {
        if (streams != null) {
            streams.close();
        }
    }

    @Test
    void anOrderStateReadAfterTheClientStartedStoppingIsUnavailable() {
        StoreQueries queries = queriesOn(new StoppedDuringTheQuery(stateDir));

        assertThatThrownBy(() -> queries.orderState(1, Origin.CLIENT))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("PENDING_SHUTDOWN");
    }

    @Test
    void statisticsReadAfterTheClientStartedStoppingAreUnavailable() {
        StoreQueries queries = queriesOn(new StoppedDuringTheQuery(stateDir));

        assertThatThrownBy(() -> queries.statusCounts(Scope.local(Set.of(0))))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("PENDING_SHUTDOWN");
    }

    @Test
    void ordersPerMinuteIsCutToTheQueryableDayOnceByTheInstanceAskedAndNotAgainByAnOwner() {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        RecordingWindowReads reads = new RecordingWindowReads(stateDir);
        streams = reads;
        StoreQueries queries = new StoreQueries(reads, SELF, NO_PEERS, Clock.fixed(now, ZoneOffset.UTC));
        Instant from = now.minus(Duration.ofHours(30));

        // asked by a client (all partitions): the range starts no earlier than the queryable day
        queries.ordersPerMinute(from, now, Scope.ALL);
        // asked as an owner (the partitions a forwarding instance named): the range it was given, as given
        queries.ordersPerMinute(from, now, Scope.local(Set.of(0)));

        assertThat(reads.fetchedFrom).containsExactly(now.minus(OrdersPerMinute.QUERYABLE), from);
    }

    private StoreQueries queriesOn(KafkaStreams client) {
        streams = client;
        return new StoreQueries(client, SELF, NO_PEERS, Clock.systemUTC());
    }

    /**
     * A client (never started) that reports RUNNING when the query checks, owns every key, and whose
     * stores are refused as {@link KafkaStreams#store} refuses them once the client is no longer
     * running or rebalancing.
     */
    private static final class StoppedDuringTheQuery extends KafkaStreams {

        StoppedDuringTheQuery(Path stateDir) {
            super(topology(), config(stateDir));
        }

        private static org.apache.kafka.streams.Topology topology() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("store-queries-test-input");
            return builder.build();
        }

        private static Properties config(Path stateDir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-queries-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            return props;
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
            return new KeyQueryMetadata(SELF, Set.of(), 0);
        }

        @Override
        public <T> T store(StoreQueryParameters<T> storeQueryParameters) {
            throw new IllegalStateException("KafkaStreams is not running. State is PENDING_SHUTDOWN.");
        }
    }

    /**
     * A client (never started) that reports RUNNING, owns every key and partition, and whose
     * orders-per-minute store records where each read starts and holds no window.
     */
    private static final class RecordingWindowReads extends KafkaStreams {

        final List<Instant> fetchedFrom = new ArrayList<>();

        RecordingWindowReads(Path stateDir) {
            super(StoppedDuringTheQuery.topology(), StoppedDuringTheQuery.config(stateDir));
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        @Override
        public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key,
                StreamPartitioner<? super K, ?> partitioner) {
            return new KeyQueryMetadata(SELF, Set.of(), 0);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T store(StoreQueryParameters<T> parameters) {
            WindowStoreIterator<Long> none = (WindowStoreIterator<Long>) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {WindowStoreIterator.class}, (proxy, method, args) ->
                            method.getName().equals("hasNext") ? false : null);
            return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ReadOnlyWindowStore.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("fetch") && args.length == 3 && args[1] instanceof Instant start) {
                            fetchedFrom.add(start);
                            return none;
                        }
                        throw new AssertionError("not read by the query: " + method);
                    });
        }
    }
}
