package com.marketplace.streams.dedupe;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.EmailMessage;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.TopologyFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;

class DedupeStoreRocksDbOptionsTest {

    @Test
    void theDedupeStoresSegmentsGetAPrefixFilterAndNoOtherStoreDoes() {
        DedupeStoreRocksDbOptions setter = new DedupeStoreRocksDbOptions();
        try (Options segment = new Options(); Options orderState = new Options()) {
            setter.setConfig(StoreNames.DEDUPE + ".1764028800000", segment, Map.of());
            setter.setConfig(StoreNames.ORDER_STATE, orderState, Map.of());

            assertThat(segment.memtablePrefixBloomSizeRatio()).isEqualTo(0.1);
            assertThat(orderState.memtablePrefixBloomSizeRatio()).isZero();
        }
        assertThat(DedupeStoreRocksDbOptions.isDedupeSegment(StoreNames.DEDUPE + ".0")).isTrue();
        assertThat(DedupeStoreRocksDbOptions.isDedupeSegment(StoreNames.DEDUPE)).isFalse();
        assertThat(DedupeStoreRocksDbOptions.isDedupeSegment(StoreNames.ORDER_STATE)).isFalse();
    }

    @Test
    void theAppSetsIt() {
        assertThat(StreamsAppConfig.defaults().toStreamsProperties())
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DedupeStoreRocksDbOptions.class.getName());
    }

    @Test
    void everyCopyWithinTheRetentionIsFoundInEverySegmentAndFile() {
        // 240 orders an hour apart: ten days of event time, so the store's segments (half the 7-day
        // retention each) roll over and the oldest expire. After each order come copies of the orders
        // sent 1 hour, 1 day and 6 days before it, each looked up with a prefix seek. The driver commits
        // after every record, which writes the memtables out, so the originals lie in many files.
        int orders = 240;
        try (TopologyFixture fx = new TopologyFixture()) {
            List<EventEnvelope> sent = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                Instant at = T0.plus(Duration.ofHours(i));
                EventEnvelope order = created(i + 1, 1 + i % 7, at, List.of(item(7, 1, "10.00")));
                fx.send(order);
                sent.add(order);
                for (int hoursBack : new int[] {1, 24, 144}) {
                    if (i >= hoursBack) {
                        fx.send(sent.get(i - hoursBack), at);
                    }
                }
            }

            assertThat(fx.email.readValuesToList()).extracting(EmailMessage::orderId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, orders).boxed().toList());
            assertThat(fx.dedupedEventIds()).hasSizeLessThan(orders).contains(sent.get(orders - 1).eventId().toString());
        }
    }
}
