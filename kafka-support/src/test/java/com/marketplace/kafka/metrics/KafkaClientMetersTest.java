package com.marketplace.kafka.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The look-ups' life beside the meters, with a binder that looks up as Micrometer's does (on the
 * scheduler it is given, deaf to interrupts); the look-up of a real client's new series is
 * {@code KafkaClientMetersIT}'s.
 */
class KafkaClientMetersTest {

    @Test
    void aLookUpUnderWayAtTheCloseRegistersNothingThatOutlivesIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<LookUpBinder> binder = new AtomicReference<>();
        KafkaClientMeters<LookUpBinder> meters = KafkaClientMeters.of((scheduler, every) -> {
            binder.set(new LookUpBinder(scheduler, () -> pause(Duration.ofMillis(300))));
            return binder.get();
        });
        meters.bindTo(registry);
        assertThat(binder.get().started.await(5, TimeUnit.SECONDS)).as("a look-up began").isTrue();

        meters.close();

        assertThat(registry.getMeters()).as("meters right after the close").isEmpty();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> registry.getMeters().isEmpty());
    }

    @Test
    void anErrorThatEndsTheLookUpsIsLogged() {
        Logger logger = (Logger) LoggerFactory.getLogger(KafkaClientMeters.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (KafkaClientMeters<LookUpBinder> meters = KafkaClientMeters.of((scheduler, every) ->
                new LookUpBinder(scheduler, () -> {
                    throw new LinkageError("a class of the client could not be loaded");
                }))) {
            meters.bindTo(new SimpleMeterRegistry());

            await().atMost(Duration.ofSeconds(5)).until(() -> logged.list.stream()
                    .anyMatch(event -> event.getLevel() == Level.ERROR
                            && event.getFormattedMessage().contains("its new series are no longer registered")
                            && event.getThrowableProxy() != null
                            && event.getThrowableProxy().getClassName().equals(LinkageError.class.getName())));
        } finally {
            logger.detachAppender(logged);
        }
    }

    /** Waits {@code duration} whatever interrupts come, as a look-up that never checks for them does. */
    private static void pause(Duration duration) {
        boolean interrupted = false;
        long end = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            interrupted |= Thread.interrupted(); // cleared, or the next park would return at once
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Looks up on the given scheduler, as Micrometer's binders do: each look-up registers one meter. */
    static final class LookUpBinder implements MeterBinder, AutoCloseable {

        private final ScheduledExecutorService scheduler;
        private final Runnable lookUpWork;
        private final List<Meter> registered = new CopyOnWriteArrayList<>();
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile MeterRegistry registry;

        LookUpBinder(ScheduledExecutorService scheduler, Runnable lookUpWork) {
            this.scheduler = scheduler;
            this.lookUpWork = lookUpWork;
        }

        @Override
        public void bindTo(MeterRegistry registry) {
            this.registry = registry;
            scheduler.scheduleAtFixedRate(() -> {
                started.countDown();
                lookUpWork.run();
                registered.add(Gauge.builder("looked.up", () -> 1).tag("n", String.valueOf(registered.size()))
                        .register(registry));
            }, 0, 10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            registered.forEach(registry::remove);
        }
    }
}
