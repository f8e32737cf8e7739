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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

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
    void everyCopyWithinTheRetentionIsFoundInEverySegment(@TempDir Path stateDir) throws IOException {
        // 240 orders an hour apart: ten days of event time, so the store's segments (half the 7-day
        // retention each) roll over and the oldest expire. After each order come copies of the orders
        // sent 1 hour, 1 day and 6 days before it, each looked up with a prefix seek.
        int orders = 240;
        Properties state = new Properties();
        state.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyFixture fx = new TopologyFixture(Duration.ofDays(7), state)) {
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

            // Kafka Streams applied the options to the store's real segments (read before the driver
            // deletes its state directory on close)
            List<Path> segmentOptions;
            try (Stream<Path> files = Files.walk(stateDir)) {
                segmentOptions = files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")
                        && f.getParent().getFileName().toString().startsWith(StoreNames.DEDUPE + ".")).toList();
            }
            assertThat(segmentOptions).isNotEmpty().allSatisfy(file ->
                    assertThat(Files.readString(file)).contains("prefix_extractor=rocksdb.FixedPrefix.36"));
        }
    }

    @Test
    void seeksFindEveryEventIdInFilesWithPrefixFilters(@TempDir Path dir) throws RocksDBException {
        List<String> eventIds = new ArrayList<>();
        try (BloomFilter bloom = new BloomFilter();
             Options options = kafkaLike(bloom).setDisableAutoCompactions(true);
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            new DedupeStoreRocksDbOptions().setConfig(StoreNames.DEDUPE + ".0", options, Map.of());
            try (RocksDB db = RocksDB.open(options, dir.toString())) {
                // five files (not compacted into one), each with its own prefix filter, and a memtable
                for (int file = 0; file <= 5; file++) {
                    for (int i = 0; i < 200; i++) {
                        String eventId = UUID.randomUUID().toString();
                        eventIds.add(eventId);
                        db.put(windowKey(eventId, 1_764_000_000_000L + eventIds.size()), new byte[8]);
                    }
                    if (file < 5) {
                        db.flush(flush);
                    }
                }
                assertThat(Long.parseLong(db.getProperty("rocksdb.num-files-at-level0"))).isGreaterThan(1);
                for (String eventId : eventIds) {
                    assertThat(firstKeyFrom(db, eventId)).as(eventId).isEqualTo(eventId);
                }
            }
        }
    }

    @Test
    void filesWrittenBeforeThePrefixWasSetAreStillRead(@TempDir Path dir) throws RocksDBException {
        // a segment written by an earlier version of the app, without the prefix extractor
        List<String> eventIds = new ArrayList<>();
        try (BloomFilter bloom = new BloomFilter();
             Options before = kafkaLike(bloom);
             RocksDB db = RocksDB.open(before, dir.toString());
             FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 1_000; i++) {
                String eventId = UUID.randomUUID().toString();
                eventIds.add(eventId);
                db.put(windowKey(eventId, 1_764_000_000_000L + i), new byte[8]);
            }
            db.flush(flush);
        }

        try (BloomFilter bloom = new BloomFilter(); Options after = kafkaLike(bloom)) {
            new DedupeStoreRocksDbOptions().setConfig(StoreNames.DEDUPE + ".0", after, Map.of());
            try (RocksDB db = RocksDB.open(after, dir.toString())) {
                for (String eventId : eventIds) {
                    assertThat(firstKeyFrom(db, eventId)).as(eventId).startsWith(eventId);
                }
            }
        }
    }

    /** Options with Bloom filters in the files, as Kafka Streams opens its stores with. */
    private static Options kafkaLike(BloomFilter bloom) {
        return new Options().setCreateIfMissing(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
    }

    /** The key of {@code eventId} in a window store segment: key, window start, sequence number. */
    private static byte[] windowKey(String eventId, long windowStart) {
        byte[] key = eventId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(key.length + 12).put(key).putLong(windowStart).putInt(0).array();
    }

    /** The first key at or after {@code eventId}'s lowest window key, as text, or "" when there is none. */
    private static String firstKeyFrom(RocksDB db, String eventId) {
        try (RocksIterator it = db.newIterator()) {
            it.seek(windowKey(eventId, 0));
            if (!it.isValid()) {
                return "";
            }
            byte[] key = it.key();
            return new String(Arrays.copyOf(key, Math.min(key.length, DedupeStoreRocksDbOptions.EVENT_ID_LENGTH)),
                    StandardCharsets.UTF_8);
        }
    }
}
