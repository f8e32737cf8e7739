package com.marketplace.streams.bench;

import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.streams.dedupe.DedupeProcessorSupplier;
import com.marketplace.streams.topology.DecodeProcessor;
import com.marketplace.streams.topology.DecodedEvent;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;

/**
 * Size of {@code dedupe-store} after N records (10% duplicates, one record per 10 ms of event time,
 * i.e. 100 records/s) for a 7-day and a 1-minute retention. Runs the decode and dedupe stages of
 * the topology (same processor, same store) with exactly_once_v2 against the in-process broker and
 * counts the store's entries through interactive queries. Not a test.
 * {@code streams-app/bench.sh} runs it (see the script for arguments).
 */
public final class DedupeStoreSizeBenchmark {

    private static final long SPACING_MILLIS = 10;

    private DedupeStoreSizeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            StreamsBenchmark.createTopics(broker.bootstrapServers());
            StreamsBenchmark.produce(broker.bootstrapServers(), records, SPACING_MILLIS);
            System.out.printf("loaded %,d records spanning %.1f h of event time%n", records,
                    records * SPACING_MILLIS / 3_600_000.0);
            for (Duration retention : new Duration[] {Duration.ofDays(7), Duration.ofMinutes(1)}) {
                String id = "bench-dedupe-" + retention.toString().replaceAll("[^A-Za-z0-9]", "").toLowerCase();
                double rate = StreamsBenchmark.run(broker.bootstrapServers(), id, dedupeOnly(retention), records);
                System.out.printf("retention %s: %,.0f events/s%n", retention, rate);
            }
        }
    }

    private static Topology dedupeOnly(Duration retention) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("source"))
                .processValues(DecodeProcessor::new, Named.as("decode"))
                .filter((key, value) -> !value.isFailure(), Named.as("decoded"))
                .mapValues(DecodedEvent::event, Named.as("event"))
                .processValues(new DedupeProcessorSupplier(retention), Named.as("dedupe"));
        return builder.build();
    }
}
