package com.marketplace.streams;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' clients as its own default supplier builds them, with one addition: once the
 * instance is first {@code RUNNING} ({@link #running()}), each producer asks the broker for the
 * partitions of every topic the topology writes, its sinks and its stores' changelogs, on a thread
 * of its own. Without it a producer learns a topic's partitions at its first record to that topic,
 * and the stream thread waits for each in turn: after a cold start, the first event's outputs and
 * changelog writes waited up to a second for a broker still busy compiling
 * (docs/benchmarks/pipeline-tuning.md, twenty-sixth round).
 *
 * <p>The topics are asked for only once they all exist: the sinks are checked or created before
 * Kafka Streams starts ({@code TopicCheck}), the changelogs when the group first forms. A
 * producer's metadata request for a missing topic would have a broker that auto-creates topics
 * create it with the broker's defaults. Every store of the topology keeps a changelog.
 */
final class PrefetchingClientSupplier implements KafkaClientSupplier {

    private static final Logger log = LoggerFactory.getLogger(PrefetchingClientSupplier.class);

    private final Set<String> topics;
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    /** A daemon thread per producer: a request for a topic may wait up to the producer's {@code max.block.ms}. */
    private final Executor prefetcher = task -> {
        Thread thread = new Thread(task, "producer-metadata-prefetch");
        thread.setDaemon(true);
        thread.start();
    };

    /** For the topics {@code topology} writes, its changelogs named as Kafka Streams names them for an application. */
    PrefetchingClientSupplier(TopologyDescription topology, String applicationId) {
        this.topics = writtenTopics(topology, applicationId);
    }

    /** The topology's sink topics and the changelog topic of each of its stores. */
    static Set<String> writtenTopics(TopologyDescription topology, String applicationId) {
        Objects.requireNonNull(applicationId, "applicationId");
        Set<String> written = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    written.add(sink.topic());
                } else if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> written.add(applicationId + "-" + store + "-changelog"));
                }
            }
        }
        return Set.copyOf(written);
    }

    /** The instance is {@code RUNNING}: its producers, those built from now on too, ask for the topics. */
    void running() {
        running.complete(null);
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        running.thenRunAsync(() -> prefetch(producer), prefetcher);
        return producer;
    }

    private void prefetch(Producer<byte[], byte[]> producer) {
        for (String topic : topics) {
            try {
                producer.partitionsFor(topic);
            } catch (KafkaException e) { // closed meanwhile, or the broker did not answer in time
                log.debug("no partitions prefetched for {}: {}", topic, e.toString());
                return;
            }
        }
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return byteArrayConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return byteArrayConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return byteArrayConsumer(config);
    }

    private static Consumer<byte[], byte[]> byteArrayConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
