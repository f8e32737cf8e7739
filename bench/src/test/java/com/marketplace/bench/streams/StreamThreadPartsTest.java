package com.marketplace.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.bench.streams.StreamThreadParts.Part;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamThreadPartsTest {

    private static final String CLIENT = "0b6f3c1e-8f1d-4c2a-9b7e-1a2b3c4d5e6f-StreamThread-1";
    private static final String EOS_THREAD = "bench-full-exactly-once-v2-2-" + CLIENT;
    private static final String ALOS_THREAD = "bench-full-at-least-once-1-" + CLIENT;
    private static final List<String> CACHE_FLUSH_IN_TREE_MAP = List.of("java.util.TreeMap.getEntry",
            "org.apache.kafka.streams.state.internals.NamedCache.getInternal",
            "org.apache.kafka.streams.state.internals.NamedCache.flush",
            "org.apache.kafka.streams.processor.internals.TaskManager.commit");
    private static final List<String> PRODUCER_UNDER_A_FLUSH = List.of("java.util.HashMap.get",
            "org.apache.kafka.clients.producer.KafkaProducer.doSend",
            "org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send",
            "org.apache.kafka.streams.state.internals.NamedCache.flush");
    private static final List<String> JACKSON_UNDER_THE_DECODER = List.of(
            "com.fasterxml.jackson.core.json.UTF8StreamJsonParser.nextToken",
            "com.marketplace.events.EventCodec$EnvelopeFields.bindPayload",
            "com.marketplace.events.EventCodec.decodeEnvelope",
            "com.marketplace.streams.topology.DecodeProcessor.process");
    private static final List<String> JACKSON_UNDER_THE_ENCODER = List.of(
            "com.fasterxml.jackson.databind.ser.BeanSerializer.serialize",
            "com.marketplace.events.EventCodec.encode",
            "com.marketplace.streams.serde.JsonSerde.lambda$new$0",
            "org.apache.kafka.streams.processor.internals.RecordCollectorImpl.send");

    @Test
    void aSampleGoesToItsInnermostRecognisedFrameAndAnythingUnderTheDecoderIsDecoding() {
        assertThat(StreamThreadParts.partOf(CACHE_FLUSH_IN_TREE_MAP)).isEqualTo(Part.RECORD_CACHE);
        assertThat(StreamThreadParts.partOf(PRODUCER_UNDER_A_FLUSH)).isEqualTo(Part.PRODUCER);
        assertThat(StreamThreadParts.partOf(JACKSON_UNDER_THE_DECODER)).isEqualTo(Part.DECODING);
        assertThat(StreamThreadParts.partOf(JACKSON_UNDER_THE_ENCODER)).isEqualTo(Part.JSON_WRITES);
        assertThat(StreamThreadParts.partOf(List.of("java.util.HashMap.get",
                "com.marketplace.streams.topology.OrderStatistics.process"))).isEqualTo(Part.PROJECT);
        assertThat(StreamThreadParts.partOf(List.of("java.lang.Thread.run"))).isEqualTo(Part.OTHER);
    }

    @Test
    void onlyTheMeasuredFullRunsStreamThreadsCountEachUnderItsGuarantee() {
        StreamThreadParts parts = new StreamThreadParts();
        parts.add(EOS_THREAD, CACHE_FLUSH_IN_TREE_MAP);
        parts.add(EOS_THREAD, CACHE_FLUSH_IN_TREE_MAP);
        parts.add(EOS_THREAD, JACKSON_UNDER_THE_ENCODER);
        parts.add(EOS_THREAD, PRODUCER_UNDER_A_FLUSH);
        parts.add(ALOS_THREAD, CACHE_FLUSH_IN_TREE_MAP);
        parts.add(ALOS_THREAD, JACKSON_UNDER_THE_ENCODER);
        // the run's producer I/O thread carries the stream thread's name; the warm-up and pass-through are not measured
        parts.add("kafka-producer-network-thread | " + EOS_THREAD + "-producer", CACHE_FLUSH_IN_TREE_MAP);
        parts.add("bench-warmup-" + CLIENT, CACHE_FLUSH_IN_TREE_MAP);
        parts.add("bench-pass-exactly-once-v2-1-" + CLIENT, CACHE_FLUSH_IN_TREE_MAP);

        assertThat(parts.samples("exactly_once_v2")).isEqualTo(4);
        assertThat(parts.samples("at_least_once")).isEqualTo(2);
        assertThat(parts.micros("exactly_once_v2", Part.RECORD_CACHE, 40)).isEqualTo(20);
        assertThat(parts.micros("at_least_once", Part.RECORD_CACHE, 30)).isEqualTo(15);

        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("exactly_once_v2", 40.0);
        cpu.put("at_least_once", 30.0);
        String table = parts.toMarkdown(cpu);
        assertThat(table).contains("| part | exactly_once_v2, µs per input | at_least_once, µs per input | difference |")
                .contains("| " + Part.RECORD_CACHE.label() + " | 20.00 | 15.00 | +5.00 |")
                .contains("| " + Part.PRODUCER.label() + " | 10.00 | 0.00 | +10.00 |")
                .contains("| samples (all rounds) | 4 | 2 | |");
        // largest first under the first guarantee
        assertThat(table.indexOf(Part.RECORD_CACHE.label())).isLessThan(table.indexOf(Part.PRODUCER.label()));
    }

    @Test
    void aRecordingWithoutMeasuredRunsGivesNoTable() {
        StreamThreadParts parts = new StreamThreadParts();
        parts.add("main", CACHE_FLUSH_IN_TREE_MAP);
        assertThat(parts.toMarkdown(Map.of("exactly_once_v2", 40.0))).isEmpty();
    }
}
