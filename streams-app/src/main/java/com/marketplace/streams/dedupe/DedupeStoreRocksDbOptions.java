package com.marketplace.streams.dedupe;

import com.marketplace.events.StoreNames;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB options of {@code dedupe-store}: its look-ups by eventId seek with prefix Bloom filters.
 *
 * <p>Every first-seen event asks the store whether its eventId is there (a window fetch: a
 * RocksDB iterator seeked to {@code eventId + timestamp} in each segment of the retention) and
 * nearly always it is not. Without a prefix extractor a seek cannot use Bloom filters, so each one
 * reads the memtables and every SST file of the segment, and costs more the more files a segment
 * has. With the first {@value #EVENT_ID_LENGTH} bytes of each key declared a prefix (the eventId:
 * the store's key schema is {@code eventId, window start, sequence number}), the memtables and the
 * files that have a filter answer "not here" from it. Kafka Streams opens its stores with
 * {@code optimize_filters_for_hits}, which leaves the bottommost files without filters to save
 * memory; that is kept, so a seek still reads the bottommost sorted run of each segment, one file
 * instead of all of them.
 *
 * <p>Prefix mode is correct for the one kind of read this store gets: {@code fetch(eventId, from,
 * to)} seeks to a key starting with the eventId and stops at the first key past {@code eventId +
 * to}, which has the same prefix. A scan of the whole store starts at its first key and uses no
 * filter. A range over several eventIds would not be safe, and nothing asks for one. The prefix is
 * the eventId only because every key is an eventId's canonical text of {@value #EVENT_ID_LENGTH}
 * characters ({@link DedupeProcessor} writes {@code UUID.toString()}). Files written before the
 * prefix was set keep working: RocksDB uses a file's prefix filter only when the file recorded the
 * same extractor.
 *
 * <p>Kafka Streams calls this for every RocksDB store of the app, each segment of a window store
 * under the name {@code <store>.<segment id>}; every other store keeps Kafka Streams' defaults.
 */
public final class DedupeStoreRocksDbOptions implements RocksDBConfigSetter {

    /** The length of an eventId as the store keys it: the canonical text of a UUID. */
    public static final int EVENT_ID_LENGTH = 36;
    /** The part of each memtable's memory given to its prefix Bloom filter. */
    private static final double MEMTABLE_PREFIX_BLOOM_RATIO = 0.1;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (isDedupeSegment(storeName)) {
            options.useFixedLengthPrefixExtractor(EVENT_ID_LENGTH);
            options.setMemtablePrefixBloomSizeRatio(MEMTABLE_PREFIX_BLOOM_RATIO);
        }
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing allocated here: the extractor and the filter belong to the options
    }

    static boolean isDedupeSegment(String storeName) {
        return storeName.startsWith(StoreNames.DEDUPE + ".");
    }
}
