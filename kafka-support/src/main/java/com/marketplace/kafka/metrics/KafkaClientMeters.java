package com.marketplace.kafka.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** How long {@link #close()} waits for a look-up under way to end before it removes the meters. */
    private static final Duration LOOK_UP_END = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(KafkaClientMeters.class);

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
        ScheduledExecutorService refresh = new LookUps();
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

    /**
     * Stops the look-ups, waiting a little for one under way, and then removes the meters: a look-up
     * still running after the removal could register meters of a closed client again.
     */
    @Override
    public void close() {
        refresh.shutdownNow();
        try {
            if (!refresh.awaitTermination(LOOK_UP_END.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("a look-up of Kafka client metrics did not end within {}; removing the meters anyway",
                        LOOK_UP_END);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            binder.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Kafka client's meters failed", e);
        }
    }

    /**
     * The look-ups' thread. Micrometer's look-up catches exceptions itself; anything else that ends
     * one (an {@code Error}) ends the periodic task with it, and is logged here rather than lost with
     * the task's future.
     */
    private static final class LookUps extends ScheduledThreadPoolExecutor {

        LookUps() {
            super(1, task -> {
                Thread thread = new Thread(task, "kafka-metrics-refresh");
                thread.setDaemon(true);
                return thread;
            });
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            super.afterExecute(task, thrown);
            if (task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    log.error("looking up a Kafka client's metrics failed; its new series are no longer registered",
                            e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
