package com.marketplace.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain {@code read_committed} consumer that records every record of the watched topics from
 * their beginning, in a thread of its own: what a downstream consumer would see. It knows the
 * contract's record shapes only as far as needed to name each record: the {@code event-id} header
 * on the order topics, and the output id and source eventId fields on the output topics.
 *
 * <p>This is deliberately not the benchmark's arrival timer: that one starts at the end of each
 * partition and keeps only the first arrival per order, where the checks need every record.
 */
public final class TopicRecorder implements AutoCloseable {

    /**
     * One record as seen. {@code id}: the eventId on the order topics; on the output topics what makes
     * an output one of a kind, read from the record itself rather than from the ids the streams app
     * derives: the source eventId for an email and an analytics record, the source eventId and the
     * recipient for a notification (an event notifies the buyer and each distinct seller once).
     */
    public record Seen(String topic, int partition, long offset, String key, String id, String sourceEventId) {
    }

    private static final Logger log = LoggerFactory.getLogger(TopicRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(120);
    /** The longest {@link #allToTheEnd} waits for the recorder to read what the topics hold. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final Properties props = new Properties();
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final List<TopicPartition> partitions = new ArrayList<>();
    /** Each partition's next offset to read, as the polling thread last saw it. */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    private final Thread thread;
    private final List<Consumer<ConsumerRecord<String, byte[]>>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    TopicRecorder(String bootstrapServers, List<String> topics) {
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fault-suite-recorder");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topics = List.copyOf(topics);
        this.thread = new Thread(this::poll, "topic-recorder");
        this.thread.setDaemon(true);
    }

    /** Waits until every topic exists (the services create them), assigns all their partitions from the start, starts polling. */
    void start() {
        try {
            assignFromTheBeginning();
        } catch (RuntimeException e) {
            consumer.close(); // the polling thread that would close it never starts
            throw e;
        }
        thread.start();
    }

    private void assignFromTheBeginning() {
        long deadline = System.nanoTime() + TOPICS_TIMEOUT.toNanos();
        for (String topic : topics) {
            List<PartitionInfo> infos = List.of();
            while (infos.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " not created within " + TOPICS_TIMEOUT);
                }
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    infos = List.of();
                    sleep();
                }
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Seen one = describe(record);
                    synchronized (seen) {
                        seen.add(one);
                    }
                    listeners.forEach(listener -> listener.accept(record));
                }
                for (TopicPartition partition : partitions) {
                    positions.put(partition, consumer.position(partition));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Recorder stopped", e);
        } finally {
            consumer.close();
        }
    }

    static Seen describe(ConsumerRecord<String, byte[]> record) {
        String topic = record.topic();
        String id;
        String source;
        if (Topics.ORDER_EVENT_TOPICS.contains(topic)) {
            Header header = record.headers().lastHeader(EventHeaders.EVENT_ID);
            id = header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            source = id;
        } else {
            JsonNode value = parse(record.value());
            source = text(value, "sourceEventId");
            id = Topics.NOTIFICATION.equals(topic)
                    ? source + "/" + text(value, "recipientType") + "/" + text(value, "recipientId")
                    : source;
        }
        return new Seen(topic, record.partition(), record.offset(), record.key(), id, source);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : JSON.readTree(value);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
    }

    /**
     * Hands every record recorded from now on to {@code listener} as well, on the recorder's thread
     * (so the listener must be quick and must not throw).
     */
    public void listen(Consumer<ConsumerRecord<String, byte[]>> listener) {
        listeners.add(listener);
    }

    /** Everything recorded so far. */
    public List<Seen> all() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /**
     * Everything the topics held when called, once recorded: waits until the recorder has read each
     * partition up to the end it had then (its last stable offset, as the recorder reads committed
     * records only). What a scenario audits after its last fault must not miss records still on
     * their way to the recorder, such as a stopped relay's late sends.
     *
     * @throws IllegalStateException when the recorder has stopped, or has not read that far within a minute
     */
    public List<Seen> allToTheEnd() throws InterruptedException {
        Map<TopicPartition, Long> ends = endOffsets();
        boolean caughtUp = Audit.Wait.until(CATCH_UP_TIMEOUT, Duration.ofMillis(50), () -> !thread.isAlive()
                || ends.entrySet().stream()
                        .allMatch(end -> positions.getOrDefault(end.getKey(), -1L) >= end.getValue()));
        if (!thread.isAlive()) {
            throw new IllegalStateException("the topic recorder has stopped (see its log): what it recorded is not"
                    + " all the topics hold");
        }
        if (!caughtUp) {
            throw new IllegalStateException("the topic recorder did not read to the topics' end within "
                    + CATCH_UP_TIMEOUT + ": at " + positions + ", the end at " + ends);
        }
        return all();
    }

    private Map<TopicPartition, Long> endOffsets() {
        Properties probeProps = new Properties();
        probeProps.putAll(props);
        probeProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "fault-suite-recorder-end-offsets");
        try (KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(probeProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return probe.endOffsets(partitions, Duration.ofSeconds(30));
        }
    }

    /** Everything recorded so far on {@code topic}. */
    public List<Seen> on(String topic) {
        return all().stream().filter(s -> s.topic().equals(topic)).toList();
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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
