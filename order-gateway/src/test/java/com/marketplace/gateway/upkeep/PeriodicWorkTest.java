package com.marketplace.gateway.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.gateway.order.StorageException;
import com.marketplace.http.testing.LogCapture;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicWorkTest {

    private static final Duration EVERY = Duration.ofMillis(20);

    @Test
    void aFailedRunIsOneWarningWithItsCauseAndTheRunsGoOn() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (LogCapture logs = LogCapture.start()) {
            PeriodicWork work = PeriodicWork.start("periodic-work-test", "Test upkeep", Duration.ZERO, EVERY, () -> {
                if (runs.incrementAndGet() == 1) {
                    throw new StorageException("test upkeep failed (SQLState 40001)",
                            new SQLException("Lock wait timeout exceeded; try restarting transaction", "40001", 1205));
                }
            });
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
            } finally {
                work.stop();
                PeriodicWork.awaitStopped(work);
            }

            assertThat(logs.warningsAndErrors()).filteredOn(line -> line.contains("Test upkeep"))
                    .singleElement().asString()
                    .startsWith("WARN " + PeriodicWork.class.getName() + ": Test upkeep failed: test upkeep failed")
                    .contains("SQLException: Lock wait timeout exceeded");
        }
    }

    @Test
    void theStopInterruptsARunUnderWayAndAFailureItCausesIsNoWarning() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (LogCapture logs = LogCapture.start()) {
            PeriodicWork work = PeriodicWork.start("periodic-work-test", "Test upkeep", Duration.ZERO, EVERY, () -> {
                runs.incrementAndGet();
                running.countDown();
                try {
                    TimeUnit.MINUTES.sleep(1);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted in a statement", e);
                }
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            long started = System.nanoTime();
            work.stop();
            PeriodicWork.awaitStopped(work);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PeriodicWork.STOP_WAIT);
            assertThat(runs.get()).isEqualTo(1);
            assertThat(logs.warningsAndErrors()).noneMatch(line -> line.contains("Test upkeep"));
        }
    }
}
