package com.marketplace.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's own meters, Micrometer's standard binders, on every service's
 * {@code /metrics}: heap and other memory pools ({@code jvm_memory_used_bytes}), collections and
 * their pauses ({@code jvm_gc_pause_seconds}), threads, loaded classes, the process's and the
 * machine's CPU ({@code process_cpu_usage}, {@code system_cpu_usage}) and when the process started
 * ({@code process_start_time_seconds}, which moves at every restart).
 */
final class JvmMetrics {

    private JvmMetrics() {
    }

    /**
     * Binds them to {@code registry}.
     *
     * @return what stops the collections' meters, which listen to the JVM's notifications: to be
     *         closed with the server, so that a process starting servers one after another (tests)
     *         does not keep every registry alive
     */
    static AutoCloseable bindTo(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics collections = new JvmGcMetrics();
        collections.bindTo(registry);
        return collections;
    }
}
