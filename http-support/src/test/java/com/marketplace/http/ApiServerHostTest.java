package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.marketplace.http.testing.Listening;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code HTTP_HOST}: the server listens where it is told, or everywhere. */
class ApiServerHostTest {

    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void onLoopbackItIsNotReachedThroughAnotherAddressOfThisMachine() throws Exception {
        Optional<InetAddress> other = Listening.nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        app = server();
        ApiServer.start(app, Optional.of("127.0.0.1"), 0);

        assertThat(Listening.accepts(InetAddress.getLoopbackAddress(), app.port())).isTrue();
        assertThat(Listening.accepts(other.get(), app.port())).as("reached through " + other.get()).isFalse();
    }

    @Test
    void withoutAHostItIsReachedThroughEveryAddress() throws Exception {
        Optional<InetAddress> other = Listening.nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        app = server();
        ApiServer.start(app, Optional.empty(), 0);

        assertThat(Listening.accepts(InetAddress.getLoopbackAddress(), app.port())).isTrue();
        assertThat(Listening.accepts(other.get(), app.port())).as("reached through " + other.get()).isTrue();
    }

    private static Javalin server() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return ApiServer.with(new ApiJson(JsonMapper.builder().build()), registry)
                .readiness(() -> Readiness.up(Map.of()))
                .routes(routes -> { })
                .build();
    }
}
