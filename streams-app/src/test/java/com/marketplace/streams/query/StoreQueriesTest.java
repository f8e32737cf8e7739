package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreQueries} when Kafka Streams leaves RUNNING while a query is under way (it is stopping,
 * or a stream thread failed): the query is unavailable (503), never a failure of the server (500).
 */
class StoreQueriesTest {

    private static final HostInfo SELF = new HostInfo("127.0.0.1", 7071);

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

    private StoreQueries queriesOn(KafkaStreams client) {
        streams = client;
        Forwarder noPeers = new Forwarder() {
            @Override
            public <T> Optional<T> get(HostInfo host, String pathAndQuery, Class<T> type) {
                throw new AssertionError("no other instance owns anything here");
            }
        };
        return new StoreQueries(client, SELF, noPeers, Clock.systemUTC());
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
}
