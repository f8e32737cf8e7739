package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Every server's /metrics carries the JVM's and the process's meters beside the requests'. */
class ApiServerJvmMetricsTest {

    @Test
    void theJvmsAndTheProcesssMetersAreScraped() throws Exception {
        Javalin app = ApiServer.with(new ApiJson(JsonMapper.builder().build()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).build().start(0);
        try {
            String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + app.port() + MetricsController.PATH)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(scraped).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ",
                    "jvm_classes_loaded_classes ", "jvm_gc_memory_allocated_bytes_total ", "process_cpu_usage ",
                    "system_cpu_count ", "process_start_time_seconds ", "process_uptime_seconds ");
        } finally {
            app.stop();
        }
    }

    @Test
    void aServerBuiltButNeverStartedBindsNothingThatItsStopCouldNotUnbind() {
        // the collections' meters listen to the JVM's notifications until closed, and only a started
        // server's stop sends the event that closes them: a service whose start failed before its
        // server started, or that was stopped first, must not leave them bound
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Javalin app = ApiServer.with(new ApiJson(JsonMapper.builder().build()), registry).build();

        ApiServer.stop(app);

        assertThat(registry.find("jvm.gc.memory.allocated").meter()).isNull();
        assertThat(registry.find("jvm.memory.used").meter()).isNull();
    }
}
