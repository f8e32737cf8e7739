package com.marketplace.kafka.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * A Kafka client's metrics as meters, Micrometer's {@code KafkaClientMetrics} or
 * {@code KafkaStreamsMetrics}, with the client's metrics looked up again every {@link #REFRESH}. A
 * client's metrics grow as it works: a producer's per-topic series appear with its first record to a
 * topic (the relay's order topics, the streams app's dead-letter topic), a stream thread's with its
 * tasks. Micrometer looks for new ones once a minute unless told otherwise, which leaves such a series
 * off {@code /metrics}, and an alert on it blind, for up to a minute after it began. A look-up that finds
 * no new metric compares two sets of names; one that finds some registers them.
 */
public final class KafkaClientMeters<B extends MeterBinder & AutoCloseable> implements AutoCloseable {

    /** How often the client's metrics are looked up again for new ones. */
    public static final Duration REFRESH = Duration.ofSeconds(10);

    private final ScheduledExecutorService refresh;
    private final B binder;

    private KafkaClientMeters(ScheduledExecutorService refresh, B binder) {
        this.refresh = refresh;
        this.binder = binder;
    }

    /**
     * The meters {@code binder} makes of a client, given the scheduler and interval of its look-ups:
     * {@code (scheduler, every) -> new KafkaClientMetrics(producer, List.of(), scheduler, every)}.
     * Nothing is registered and no thread started before {@link #bindTo(MeterRegistry)}.
     */
    public static <B extends MeterBinder & AutoCloseable> KafkaClientMeters<B> of(
            BiFunction<ScheduledExecutorService, Duration, B> binder) {
        ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "kafka-metrics-refresh");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return new KafkaClientMeters<>(refresh, Objects.requireNonNull(binder.apply(refresh, REFRESH), "binder"));
        } catch (RuntimeException | Error e) {
            refresh.shutdownNow();
            throw e;
        }
    }

    /** Registers the client's meters in {@code registry} and starts looking for new ones. */
    public void bindTo(MeterRegistry registry) {
        binder.bindTo(registry);
    }

    /** Removes the meters and stops the look-ups. */
    @Override
    public void close() {
        try {
            binder.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Kafka client's meters failed", e);
        } finally {
            refresh.shutdownNow();
        }
    }
}
