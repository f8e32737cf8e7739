package com.marketplace.faults;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes again every n-th event a {@link TopicRecorder} sees on the order topics, {@code delay}
 * after the original's timestamp: same topic, partition, key, value and headers, a new timestamp —
 * what an at-least-once relay sends when it publishes a row a second time. Each eventId is resent
 * once. A copy that could not be sent before {@code latest} after the original (the recorder fell
 * behind) is skipped rather than sent late, so every copy sent is within a known age of its original.
 */
public final class Resender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Resender.class);

    private record Due(String eventId, ConsumerRecord<String, byte[]> record) {
    }

    private final int every;
    private final long delayMillis;
    private final long latestMillis;
    private final KafkaProducer<String, byte[]> producer;
    private final ConcurrentLinkedQueue<Due> queue = new ConcurrentLinkedQueue<>();
    private final Set<String> chosen = new HashSet<>();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final Map<String, Long> ageMillis = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "resender");
        thread.setDaemon(true);
        return thread;
    });
    private long seen;

    /**
     * Resends every {@code every}-th new event that {@code recorder} sees from now on, {@code delay}
     * after its timestamp, unless that is already more than {@code latest} ago.
     */
    public Resender(String bootstrapServers, TopicRecorder recorder, int every, Duration delay, Duration latest) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "fault-suite-resender");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.every = every;
        this.delayMillis = delay.toMillis();
        this.latestMillis = latest.toMillis();
        recorder.listen(this::offer);
        sender.scheduleWithFixedDelay(this::sendDue, 100, 100, TimeUnit.MILLISECONDS);
    }

    private void offer(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(EventHeaders.EVENT_ID);
        if (!Topics.ORDER_EVENT_TOPICS.contains(record.topic()) || header == null) {
            return;
        }
        String eventId = new String(header.value(), StandardCharsets.UTF_8);
        synchronized (chosen) {
            // the copies come back through the recorder too: never pick an eventId twice
            if (chosen.contains(eventId) || seen++ % every != 0) {
                return;
            }
            chosen.add(eventId);
        }
        queue.add(new Due(eventId, record));
    }

    private void sendDue() {
        for (Due due = queue.peek(); due != null && due.record().timestamp() + delayMillis <= System.currentTimeMillis();
                due = queue.peek()) {
            queue.poll();
            ConsumerRecord<String, byte[]> r = due.record();
            String eventId = due.eventId();
            if (System.currentTimeMillis() - r.timestamp() > latestMillis) {
                late.incrementAndGet();
                continue;
            }
            producer.send(new ProducerRecord<>(r.topic(), r.partition(), null, r.key(), r.value(), r.headers()),
                    (metadata, error) -> {
                        if (error == null) {
                            ageMillis.put(eventId, metadata.timestamp() - r.timestamp());
                            resent.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            log.warn("Could not resend a record of {}: {}", r.topic(), error.toString());
                        }
                    });
        }
    }

    /** Copies acknowledged by the broker so far. */
    public long resent() {
        return resent.get();
    }

    /** Copies skipped because they could not be sent within {@code latest} of their original. */
    public long late() {
        return late.get();
    }

    /** Of each copy sent: how much later its timestamp is than its original's, by eventId. */
    public Map<String, Duration> ages() {
        Map<String, Duration> ages = new HashMap<>();
        ageMillis.forEach((id, ms) -> ages.put(id, Duration.ofMillis(ms)));
        return ages;
    }

    /** Copies the broker refused. */
    public long failed() {
        return failed.get();
    }

    /** Waits until every chosen record is due, sends it, and flushes. */
    public void drain(Duration timeout) throws InterruptedException {
        Audit.Wait.until(timeout, Duration.ofMillis(100), queue::isEmpty);
        try {
            // the sender is one thread: once this no-op ran, the last round's sends were handed to the producer
            sender.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("resender did not finish its last round", e);
        }
        producer.flush();
    }

    @Override
    public void close() {
        sender.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
