package com.marketplace.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.config.ConfigException;
import com.marketplace.streams.errors.DeadLetterDeserializationHandler;
import com.marketplace.streams.errors.DeadLetterProcessingHandler;
import com.marketplace.streams.serde.StateValueFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamsAppConfigTest {

    @Test
    void defaultsMatchTheArchitecture() {
        StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of());

        assertThat(config.httpPort()).isEqualTo(7071);
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.applicationId()).isEqualTo("marketplace-streams");
        assertThat(config.stateDir()).isEqualTo(Path.of("./data/streams-state"));
        assertThat(config.applicationServer()).isEqualTo("localhost:7071");
        assertThat(config.dedupeRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.topicPartitions()).isEqualTo(3);
        assertThat(config.topicReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.stateValueFormat()).isEqualTo(StateValueFormat.COMPACT);
        assertThat(config.shutdownDelay()).isZero();
    }

    @Test
    void valuesAreReadFromTheEnvironment() {
        StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of("HTTP_PORT", "8081",
                "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9093", "APPLICATION_ID", "other",
                "STATE_DIR", "/var/lib/streams", "APPLICATION_SERVER", "host-2:8081",
                "DEDUPE_RETENTION", "PT1M", "PROCESSING_GUARANTEE", "at_least_once", "NUM_STANDBY_REPLICAS", "1",
                "STATE_VALUE_FORMAT", "smile", "SHUTDOWN_DELAY", "PT5S"));

        assertThat(config.httpPort()).isEqualTo(8081);
        assertThat(config.dedupeRetention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.exactlyOnce()).isFalse();
        assertThat(config.numStandbyReplicas()).isEqualTo(1);
        assertThat(config.stateValueFormat()).isEqualTo(StateValueFormat.SMILE);
        assertThat(config.shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
        // every copy keeps it
        assertThat(config.withApplicationId("x").withHttp(1, "h:1").shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "HTTP_PORT|abc", "HTTP_PORT|0", "HTTP_PORT|70000",
            "KAFKA_BOOTSTRAP_SERVERS|no-port", "APPLICATION_ID|has space",
            "APPLICATION_SERVER|localhost", "APPLICATION_SERVER|streams_1:7071", "APPLICATION_SERVER|-x:7071",
            "APPLICATION_SERVER|a..b:7071", "APPLICATION_SERVER|0.0.0.0:7071", "APPLICATION_SERVER|[::]:7071",
            "APPLICATION_SERVER|[0:0:0:0:0:0:0:0]:7071", "APPLICATION_ID|.", "APPLICATION_ID|..",
            "HTTP_HOST|127.0.0.1:7071", "HTTP_HOST|a b", "HTTP_HOST|203.0.113.7",
            "SHUTDOWN_DELAY|PT61S", "SHUTDOWN_DELAY|-PT1S", "DEDUPE_RETENTION|7 days", "DEDUPE_RETENTION|PT0S",
            "DEDUPE_RETENTION|-P1D", "DEDUPE_RETENTION|P999999999999D", "DEDUPE_RETENTION|P3651D",
            "DEDUPE_RETENTION|PT0.5S", "PARTIAL_ORDER_RETENTION|PT0S", "PARTIAL_ORDER_RETENTION|1 day",
            "PARTIAL_ORDER_RETENTION|P999999999999D", "PARTIAL_ORDER_RETENTION|PT0.001S",
            "PROCESSING_GUARANTEE|exactly_once", "NUM_STANDBY_REPLICAS|-1",
            "TOPIC_PARTITIONS|0", "TOPIC_REPLICATION_FACTOR|x", "TOPIC_REPLICATION_FACTOR|32768", "INSTANCE_SECRET|too-short",
            "INSTANCE_SECRET|has a space in the secret", "STATE_VALUE_FORMAT|json", "STATE_VALUE_FORMAT|SMILE",
            "COMMIT_INTERVAL|50ms", "COMMIT_INTERVAL|PT0S", "COMMIT_INTERVAL|-PT0.05S", "COMMIT_INTERVAL|PT6S",
            "INPUT_FETCH_WAIT|-PT0.01S", "INPUT_FETCH_WAIT|PT0.501S", "INPUT_FETCH_WAIT|20ms",
            "INPUT_FETCH_WAIT|PT0.0005S",
            "JIT_WARMUP_EVENTS|-1", "JIT_WARMUP_EVENTS|1000001", "JIT_WARMUP_EVENTS|20k", "LOG_LEVEL|INFOO"})
    void badValueIsRejectedWithOneLineNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> StreamsAppConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + " ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theJitWarmUpRunsTwentyThousandEventsUnlessToldOtherwise() {
        assertThat(StreamsAppConfig.defaults().jitWarmUpEvents()).isEqualTo(20_000);
        assertThat(StreamsAppConfig.fromEnv(Map.of("JIT_WARMUP_EVENTS", "0")).jitWarmUpEvents()).isZero();
        assertThat(StreamsAppConfig.defaults().withJitWarmUpEvents(500).withApplicationId("other").jitWarmUpEvents())
                .isEqualTo(500);
    }

    @Test
    void theInstanceSecretIsOptionalAndNeverPrinted() {
        assertThat(StreamsAppConfig.fromEnv(Map.of()).instanceSecret()).isEmpty();
        StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of("INSTANCE_SECRET", "shared-by-all-instances"));

        assertThat(config.instanceSecret()).contains("shared-by-all-instances");
        assertThat(config.toString()).doesNotContain("shared-by-all-instances").contains("instanceSecret=***");
    }

    @Test
    void streamsPropertiesUseExactlyOnceAndTheConfiguredLocation() {
        Properties props = StreamsAppConfig.fromEnv(Map.of("STATE_DIR", "target/state",
                "APPLICATION_SERVER", "h:1", "NUM_STANDBY_REPLICAS", "2")).toStreamsProperties();

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("h:1");
        assertThat(props.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(Path.of("target/state").toAbsolutePath().toString());
        assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(2);
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(40L);
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .as("a task's two input topics are processed in timestamp order, which the dedupe store's expiry relies on")
                .isEqualTo(0L);
        assertThat(props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .as("failures the topology does not route are dead-lettered in the one DLQ format")
                .isEqualTo(DeadLetterProcessingHandler.class.getName());
        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class.getName());
        assertThat(props.get(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG))
                .as("a record without a valid timestamp does not stop the stream thread")
                .isEqualTo(com.marketplace.streams.errors.InputTimestamps.class.getName());
        assertThat(new StreamsConfig(props).getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .isEqualTo(32L * 1024 * 1024);
        assertThat(new StreamsConfig(props).originalsWithPrefix(StreamsConfig.PRODUCER_PREFIX))
                .as("no producer compression").doesNotContainKey("compression.type");
        assertThat(new StreamsConfig(props).getProducerConfigs("client").get("batch.size"))
                .isEqualTo(128 * 1024);
        assertThat(new StreamsConfig(props).getProducerConfigs("client").get("linger.ms"))
                .as("records wait for the commit that makes them visible and flushes them")
                .isEqualTo(80L);
    }

    @Test
    void theInputsFetchesAreHeldOnlyWhenConfigured() {
        Properties exactlyOnce = StreamsAppConfig.defaults().toStreamsProperties();
        Properties atLeastOnce = StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", "at_least_once"))
                .toStreamsProperties();
        Properties held = StreamsAppConfig.fromEnv(Map.of("INPUT_FETCH_WAIT", "PT0.02S")).toStreamsProperties();
        Properties heldLongest = StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", "at_least_once",
                "INPUT_FETCH_WAIT", "PT0.5S")).toStreamsProperties();

        for (Properties unheld : List.of(exactlyOnce, atLeastOnce)) {
            assertThat(new StreamsConfig(unheld).getMainConsumerConfigs("group", "client", 0))
                    .as("by default a fetch returns as soon as a record is there")
                    .doesNotContainKey(ConsumerConfig.FETCH_MIN_BYTES_CONFIG)
                    .doesNotContainKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        }
        assertThat(new StreamsConfig(held).getMainConsumerConfigs("group", "client", 0))
                .as("held for the time set, unless a megabyte of records (a backlog) is there first")
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20)
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1024 * 1024);
        assertThat(new StreamsConfig(held).getRestoreConsumerConfigs("client"))
                .as("restoring a store waits for nothing").doesNotContainKey(ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
        assertThat(new StreamsConfig(heldLongest).getMainConsumerConfigs("group", "client", 0))
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        assertThat(StreamsAppConfig.fromEnv(Map.of("INPUT_FETCH_WAIT", "PT0.1S")).withApplicationId("x")
                .withHttp(1, "h:1").inputFetchWait()).as("every copy keeps it").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void atLeastOnceLingersOnlyBrieflyBecauseItsRecordsAreVisibleAtOnce() {
        Properties props = StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", "at_least_once"))
                .toStreamsProperties();

        assertThat(new StreamsConfig(props).getProducerConfigs("client").get("linger.ms")).isEqualTo(5L);
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1000L);
    }

    @Test
    void aConfiguredCommitIntervalSetsTheCommitAndTheLingerThatWaitsForIt() {
        Properties exactlyOnce = StreamsAppConfig.fromEnv(Map.of("COMMIT_INTERVAL", "PT0.03S")).toStreamsProperties();
        Properties atLeastOnce = StreamsAppConfig.fromEnv(Map.of("COMMIT_INTERVAL", "PT0.2S",
                "PROCESSING_GUARANTEE", "at_least_once")).toStreamsProperties();

        assertThat(exactlyOnce.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(30L);
        assertThat(new StreamsConfig(exactlyOnce).getProducerConfigs("client").get("linger.ms"))
                .as("a transaction's records still leave with the commit that makes them visible")
                .isEqualTo(60L);
        assertThat(atLeastOnce.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(200L);
        assertThat(new StreamsConfig(atLeastOnce).getProducerConfigs("client").get("linger.ms"))
                .as("visible as soon as written: the commit interval does not hold records back")
                .isEqualTo(5L);
    }

    @ParameterizedTest
    @CsvSource({"PT0.001S, 1", "PT5S, 5000"})
    void commitIntervalsFromOneMillisecondToFiveSecondsAreAccepted(String value, long millis) {
        assertThat(StreamsAppConfig.fromEnv(Map.of("COMMIT_INTERVAL", value)).toStreamsProperties()
                .get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(millis);
    }

    @Test
    void eachInstanceIsAStaticGroupMemberNamedAfterItsServerWithAShortSession() {
        StreamsConfig config = new StreamsConfig(StreamsAppConfig.fromEnv(Map.of("APPLICATION_SERVER", "streams-1:7071"))
                .toStreamsProperties());

        Map<String, Object> consumer = config.getMainConsumerConfigs("marketplace-streams", "client", 0);
        assertThat(consumer.get("group.instance.id")).isEqualTo("streams-1_7071-0");
        assertThat(consumer.get("session.timeout.ms")).isEqualTo(10_000);
        assertThat(consumer.get("max.poll.records"))
                .as("a processing loop, between which restored tasks are taken up, is one poll's records")
                .isEqualTo(250);
    }

    @Test
    void defaultStateDirIsUnderTheWorkingDirectoryNotKafkasTempDirDefault() {
        String stateDir = StreamsAppConfig.defaults().toStreamsProperties().getProperty(StreamsConfig.STATE_DIR_CONFIG);

        // Kafka's own default is under java.io.tmpdir, which many hosts wipe on reboot
        assertThat(stateDir).isEqualTo(Path.of("data", "streams-state").toAbsolutePath().normalize().toString());
    }
}
