package com.marketplace.streams.query;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The store partitions this instance is restoring from their changelogs, so that a query does not
 * read one. Kafka Streams answers a query from an active task's store while its stream thread is
 * RUNNING, whether or not the task is restoring: a task revived after it was found corrupted (under
 * exactly_once_v2, for example after a commit timed out) has its stores wiped and restores them while
 * the thread stays RUNNING, and until the restoration ends the store answers, partly filled. A
 * changelog partition is its task's partition: the topology has one sub-topology (docs/architecture.md).
 *
 * <p>Not covered: a revived task's stores are reopened, empty, before its restoration starts (Kafka
 * Streams first asks the broker for the changelogs' end offsets), and a restoration that meets a
 * corruption is suspended before the task is revived; in those moments the store answers as it is.
 */
final class RestoringStores implements StateRestoreListener {

    private final Set<String> restoring = ConcurrentHashMap.newKeySet();

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        restoring.add(key(storeName, changelog.partition()));
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset, long restored) {
        // only the start and the end matter here
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
        restoring.remove(key(storeName, changelog.partition()));
    }

    @Override
    public void onRestoreSuspended(TopicPartition changelog, String storeName, long totalRestored) {
        // the task was closed, moved or found corrupted before its restoration ended: a task closed or
        // moved is no longer active here; a corrupted one is revived and starts a restoration again
        restoring.remove(key(storeName, changelog.partition()));
    }

    /** Whether partition {@code partition} of store {@code storeName} is restoring now. */
    boolean isRestoring(String storeName, int partition) {
        return restoring.contains(key(storeName, partition));
    }

    private static String key(String storeName, int partition) {
        return storeName + '/' + partition;
    }
}
