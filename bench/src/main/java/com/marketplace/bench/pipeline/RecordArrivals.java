package com.marketplace.bench.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain {@code read_committed} consumer that notes when the first record of each order (record
 * key = orderId) becomes visible on each watched topic, as {@link System#nanoTime()}. It starts at
 * the end of every partition, so only records written after {@link #start()} count.
 */
public final class RecordArrivals implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Map<Long, Long>> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final List<String> topics;
    private final Thread thread;
    private final Metric fetchTotal;
    private volatile boolean running = true;

    public RecordArrivals(String bootstrapServers, List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-arrivals");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        // found here, before the polling thread owns the consumer; a metric's value may be read from any thread
        this.fetchTotal = consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("fetch-total")
                        && e.getKey().group().equals("consumer-fetch-manager-metrics"))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("the consumer has no fetch-total metric"));
        this.topics = List.copyOf(topics);
        topics.forEach(t -> firstSeen.put(t, new ConcurrentHashMap<>()));
        this.thread = new Thread(this::poll, "bench-arrivals");
    }

    /** Assigns every partition of the topics (they must exist), moves to their end, starts polling. */
    public void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before any record is sent
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    counts.merge(record.topic(), 1L, Long::sum);
                    firstSeen.get(record.topic()).putIfAbsent(Long.parseLong(record.key()), now);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** When order {@code orderId}'s first record was seen on {@code topic}, or null. */
    public Long seen(String topic, long orderId) {
        return firstSeen.get(topic).get(orderId);
    }

    /** Distinct orders seen on {@code topic}. */
    public int orders(String topic) {
        return firstSeen.get(topic).size();
    }

    /** Fetch requests this consumer has sent so far. */
    public double fetches() {
        return ((Number) fetchTotal.metricValue()).doubleValue();
    }

    /** Records seen on {@code topic}. */
    public long records(String topic) {
        return counts.getOrDefault(topic, 0L);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
