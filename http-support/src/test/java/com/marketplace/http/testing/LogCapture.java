package com.marketplace.http.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects what is logged while it is open: to assert a failure was logged quietly (WARN or above), or to
 * act at a given point of a start that another thread runs.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    /** Written by the server's threads while the test thread reads it. */
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
            synchronized (events) {
                events.notifyAll();
            }
        }
    };

    private LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.start();
        root.addAppender(appender);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Events at WARN or ERROR, as "LEVEL logger: message" lines. */
    public List<String> warningsAndErrors() {
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
    }

    /**
     * Waits until a message starting with {@code prefix} has been logged (at a level its logger lets
     * through) since this capture began, at most {@code timeout}.
     *
     * @return whether one was
     */
    public boolean awaitMessage(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (events.stream().noneMatch(e -> String.valueOf(e.getFormattedMessage()).startsWith(prefix))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                events.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
