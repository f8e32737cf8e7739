package com.marketplace.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.http.testing.LogCapture;
import com.marketplace.streams.serde.StateValueFormat;
import com.marketplace.streams.serde.StateValueSerde;
import com.marketplace.streams.serde.UnreadableStateValueException;
import com.marketplace.streams.topology.OrderTopology;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The exception handlers dead-letter the source record as received, in the one {@link DeadLetters} format. */
class DeadLetterHandlersTest {

    private static final byte[] KEY = "42".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "{\"not\":\"an envelope\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aProcessingFailureOfAStatelessStepDeadLettersTheSourceRecordAndResumes() {
        Headers original = new RecordHeaders().add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 2, 17L, original, "to-notifications");

        var response = new DeadLetterProcessingHandler().handleError(context, new Record<>("42", "value", 0L),
                new IllegalStateException("boom\nsecond line"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.topic()).isEqualTo(Topics.DLQ);
            assertThat(dlq.key()).isEqualTo(KEY);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(headers(dlq)).containsEntry("traceparent", "00-abc")
                    .containsEntry(EventHeaders.DLQ_ERROR, DeadLetters.PROCESSING_ERROR)
                    .containsEntry(EventHeaders.DLQ_ERROR_MESSAGE,
                            "to-notifications: java.lang.IllegalStateException: boom second line")
                    .containsEntry(EventHeaders.DLQ_SOURCE_TOPIC, Topics.ORDER_CREATED)
                    .containsEntry(EventHeaders.DLQ_SOURCE_PARTITION, "2")
                    .containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "17");
        });
    }

    @Test
    void anyFailureInsideTheStatisticsStepStopsProcessingInsteadOfCommittingTheEventWithoutIt() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 2, 17L, new RecordHeaders(),
                OrderTopology.ORDER_STATISTICS);

        var response = new DeadLetterProcessingHandler().handleError(context, new Record<>("42", "value", 0L),
                new ArithmeticException("overflow"));

        assertThat(OrderTopology.ORDER_STATISTICS).isEqualTo("order-statistics");
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aFailedPunctuationIsLoggedAndRunsAgainWithoutADeadLetter() {
        ErrorHandlerContext context = new Context(null, 2, -1L, new RecordHeaders(), "partial-order-purge");

        ProcessingExceptionHandler.Response response;
        try (LogCapture logs = LogCapture.start()) {
            response = new DeadLetterProcessingHandler().handleError(context, null, new IllegalStateException("boom"));

            assertThat(logs.warningsAndErrors()).anyMatch(line -> line.startsWith("ERROR ")
                    && line.contains("partial-order-purge") && line.contains("punctuation"));
        }
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aStoredStateValueThatCannotBeReadStopsProcessingInsteadOfDeadLetteringTheRecord() {
        // in steps that dead-letter or resume any other exception: a record's step other than the
        // statistics, and the purge's punctuation
        ErrorHandlerContext onRecord = new Context(Topics.ORDER_CREATED, 2, 17L, new RecordHeaders(), "dedupe");
        ErrorHandlerContext onPunctuation = new Context(null, 2, -1L, new RecordHeaders(), "partial-order-purge");
        byte[] newerVersion = {0x02, 0x00};
        RuntimeException unreadable = catchRuntimeException(() -> StateValueSerde.orderState(StateValueFormat.COMPACT)
                .deserializer().deserialize("order-state-store", newerVersion));
        assertThat(unreadable).isInstanceOf(UnreadableStateValueException.class);

        // and a value of a store kept with one of Kafka's own serdes (the partial orders' times, a count)
        RuntimeException unreadableLong = catchRuntimeException(() -> Serdes.Long().deserializer()
                .deserialize("partial-orders-store", new byte[] {0, 0, 0, 1}));
        assertThat(unreadableLong).isInstanceOf(SerializationException.class);

        for (Exception thrown : List.of(unreadable, new StreamsException("store failed", unreadable), unreadableLong)) {
            DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
            for (var response : List.of(handler.handleError(onRecord, new Record<>("42", "value", 0L), thrown),
                    handler.handleError(onPunctuation, null, thrown))) {
                assertThat(response.result()).as("%s", thrown).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
                assertThat(response.deadLetterQueueRecords()).isEmpty();
            }
        }
    }

    @Test
    void anUndeserializableRecordIsDeadLetteredAsReceivedAndResumes() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.ORDER_STATUS_CHANGED, 1, 5L, 0L,
                TimestampType.CREATE_TIME, KEY.length, VALUE.length, KEY, VALUE, new RecordHeaders(), java.util.Optional.empty());
        ErrorHandlerContext context = new Context(Topics.ORDER_STATUS_CHANGED, 1, 5L, new RecordHeaders(), "source");

        var response = new DeadLetterDeserializationHandler().handleError(context, record,
                new org.apache.kafka.common.errors.SerializationException("x".repeat(5_000)));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.topic()).isEqualTo(Topics.DLQ);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(headers(dlq)).containsEntry(EventHeaders.DLQ_ERROR, DeadLetters.DESERIALIZATION_ERROR)
                    .containsEntry(EventHeaders.DLQ_SOURCE_TOPIC, Topics.ORDER_STATUS_CHANGED)
                    .containsEntry(EventHeaders.DLQ_SOURCE_PARTITION, "1")
                    .containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "5");
            assertThat(headers(dlq).get(EventHeaders.DLQ_ERROR_MESSAGE)).hasSize(DeadLetters.MAX_MESSAGE_LENGTH);
        });
    }

    @Test
    void anOutputTooLargeToWriteStopsProcessingInsteadOfBeingLeftOut() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 0, 9L, new RecordHeaders(), "email-sink");
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>(Topics.EMAIL, KEY, new byte[2_000_000]);

        var response = new DeadLetterProductionHandler().handleError(context, output,
                new RecordTooLargeException("The message is 2000090 bytes when serialized"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anOutputItsSerializerRefusesDeadLettersItsSourceRecordAndResumes() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 1, 3L, new RecordHeaders(), "analytics-sink");
        ProducerRecord<String, Object> output = new ProducerRecord<>(Topics.ANALYTICS, "42", new Object());

        var response = new DeadLetterProductionHandler().handleSerializationError(context, output,
                new org.apache.kafka.common.errors.SerializationException("cannot write"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dlq -> {
            assertThat(dlq.topic()).isEqualTo(Topics.DLQ);
            assertThat(dlq.key()).isEqualTo(KEY);
            assertThat(dlq.value()).isEqualTo(VALUE);
            assertThat(headers(dlq)).containsEntry(EventHeaders.DLQ_ERROR, DeadLetters.OUTPUT_ERROR)
                    .containsEntry(EventHeaders.DLQ_SOURCE_TOPIC, Topics.ORDER_CREATED)
                    .containsEntry(EventHeaders.DLQ_SOURCE_PARTITION, "1")
                    .containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "3");
            assertThat(headers(dlq).get(EventHeaders.DLQ_ERROR_MESSAGE))
                    .startsWith("analytics-sink -> " + Topics.ANALYTICS + ": ")
                    .contains("cannot write");
        });
    }

    @Test
    void aStoresChangelogRecordThatCannotBeWrittenStopsProcessingInsteadOfBeingLeftOut() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 0, 9L, new RecordHeaders(), "order-statistics");
        String changelog = "marketplace-streams-" + StoreNames.ORDER_STATE + "-changelog";
        ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>(changelog, KEY, new byte[2_000_000]);
        ProducerRecord<String, Object> unwritable = new ProducerRecord<>(changelog, "42", new Object());
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();

        var tooLargeResponse = handler.handleError(context, tooLarge,
                new RecordTooLargeException("The message is 2000090 bytes when serialized"));
        var unwritableResponse = handler.handleSerializationError(context, unwritable,
                new org.apache.kafka.common.errors.SerializationException("cannot write"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(tooLargeResponse.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(unwritableResponse.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(tooLargeResponse.deadLetterQueueRecords()).isEmpty();
        assertThat(unwritableResponse.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aSendErrorThatIsNotTheRecordsFaultIsRetriedOrStopsProcessing() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 0, 9L, new RecordHeaders(), "email-sink");
        ProducerRecord<byte[], byte[]> output = new ProducerRecord<>(Topics.EMAIL, KEY, VALUE);
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();

        var retriable = handler.handleError(context, output, new org.apache.kafka.common.errors.TimeoutException("t"));
        var denied = handler.handleError(context, output,
                new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed"));

        assertThat(retriable.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(denied.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(retriable.deadLetterQueueRecords()).isEmpty();
        assertThat(denied.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aFailureOfKafkaStreamsItselfStopsProcessingInsteadOfDeadLetteringTheRecord() {
        ErrorHandlerContext context = new Context(Topics.ORDER_CREATED, 2, 17L, new RecordHeaders(), "dedupe");

        for (Exception thrown : List.of(new ProcessorStateException("Error while putting key into store dedupe-store"),
                new StreamsException("Error encountered sending record to topic marketplace.email",
                        new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed")))) {
            var response = new DeadLetterProcessingHandler().handleError(context, new Record<>("42", "value", 0L), thrown);

            assertThat(response.result()).as("%s", thrown).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
            assertThat(response.deadLetterQueueRecords()).isEmpty();
        }
    }

    @Test
    void aSourceRecordTooLargeToCopyIsDeadLetteredWithoutItsValueOrItsHeadersWhicheverIsLarger() {
        Headers original = new RecordHeaders().add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        DeadLetters.Source source = new DeadLetters.Source(Topics.ORDER_CREATED, 1, 8L);

        ProducerRecord<byte[], byte[]> small = DeadLetters.record(KEY, VALUE, original, "MALFORMED", "m", source);
        ProducerRecord<byte[], byte[]> large = DeadLetters.record(KEY, new byte[DeadLetters.MAX_RECORD_BYTES], original,
                "MALFORMED", "m", source);
        Headers huge = new RecordHeaders().add("blob", new byte[DeadLetters.MAX_RECORD_BYTES]).add("traceparent",
                "00-abc".getBytes(StandardCharsets.UTF_8));
        ProducerRecord<byte[], byte[]> hugeHeaders = DeadLetters.record(KEY, VALUE, huge, "MALFORMED", "m", source);

        assertThat(small.value()).isEqualTo(VALUE);
        assertThat(headers(small)).doesNotContainKeys(EventHeaders.DLQ_VALUE_OMITTED, EventHeaders.DLQ_HEADERS_OMITTED);
        assertThat(large.value()).isEmpty();
        assertThat(headers(large)).containsEntry(EventHeaders.DLQ_VALUE_OMITTED, "1000000")
                .containsEntry("traceparent", "00-abc").containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "8")
                .doesNotContainKey(EventHeaders.DLQ_HEADERS_OMITTED);
        assertThat(hugeHeaders.value()).isEqualTo(VALUE);
        assertThat(headers(hugeHeaders)).containsEntry(EventHeaders.DLQ_HEADERS_OMITTED, "2")
                .containsEntry(EventHeaders.DLQ_ERROR, "MALFORMED").containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "8")
                .doesNotContainKeys("blob", "traceparent", EventHeaders.DLQ_VALUE_OMITTED);
        // a source header named like a dead-letter one is the source's, and goes too
        Headers lookalike = new RecordHeaders().add("dlq-note", new byte[DeadLetters.MAX_RECORD_BYTES]);
        assertThat(headers(DeadLetters.record(KEY, VALUE, lookalike, "MALFORMED", "m", source)))
                .containsEntry(EventHeaders.DLQ_HEADERS_OMITTED, "1").doesNotContainKey("dlq-note");
    }

    @Test
    void aSourceKeyTooLargeToCopyIsLeftOutToo() {
        byte[] hugeKey = new byte[DeadLetters.MAX_RECORD_BYTES];
        DeadLetters.Source source = new DeadLetters.Source(Topics.ORDER_CREATED, 0, 4L);

        ProducerRecord<byte[], byte[]> dead = DeadLetters.record(hugeKey, VALUE, new RecordHeaders(),
                DeadLetters.DESERIALIZATION_ERROR, "m", source);

        assertThat(dead.key()).isNull();
        assertThat(dead.value()).isEqualTo(VALUE);
        assertThat(headers(dead)).containsEntry(EventHeaders.DLQ_KEY_OMITTED, Integer.toString(hugeKey.length))
                .containsEntry(EventHeaders.DLQ_SOURCE_OFFSET, "4")
                .doesNotContainKeys(EventHeaders.DLQ_VALUE_OMITTED, EventHeaders.DLQ_HEADERS_OMITTED);
    }

    @Test
    void deadLetterHeadersReplaceEarlierOnesOfTheSameName() {
        Headers original = new RecordHeaders().add(EventHeaders.DLQ_ERROR, "OLD".getBytes(StandardCharsets.UTF_8));

        Headers headers = DeadLetters.headers(original, "KEY_MISMATCH", "m", null);

        assertThat(headers.headers(EventHeaders.DLQ_ERROR)).hasSize(1);
        assertThat(new String(headers.lastHeader(EventHeaders.DLQ_ERROR).value(), StandardCharsets.UTF_8))
                .isEqualTo("KEY_MISMATCH");
        assertThat(headers.lastHeader(EventHeaders.DLQ_SOURCE_TOPIC)).isNull();
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The context Kafka Streams hands a handler, for a record read from {@code topic}. */
    private record Context(String topic, int partition, long offset, Headers headers, String processorNodeId)
            implements ErrorHandlerContext {

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0L;
        }

        @Override
        public byte[] sourceRawKey() {
            return KEY;
        }

        @Override
        public byte[] sourceRawValue() {
            return VALUE;
        }
    }
}
