package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.marketplace.http.testing.RawHttp;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that falls silent mid-request is cut off after {@link ApiServer#IDLE_TIMEOUT}, not Jetty's 30 s. */
class ApiServerIdleTimeoutTest {

    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            ApiServer.stop(app);
        }
    }

    @Test
    void aClientSilentMidBodyIsCutOffByTheIdleTimeout() {
        ApiJson json = new ApiJson(JsonMapper.builder().build());
        app = ApiServer.with(json, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .routes(routes -> routes.post("/echo", ctx -> json.ok(ctx,
                        Map.of("length", ctx.req().getInputStream().readAllBytes().length))))
                .build().start(0);
        // ten bytes announced, two sent, then nothing: the connection stays open on the client's side
        byte[] stalled = RawHttp.request("POST /echo HTTP/1.1\nHost: localhost\nContent-Type: application/json\n"
                + "Content-Length: 10\n", "{}".getBytes(StandardCharsets.UTF_8));

        // answered or closed once the idle timeout has passed; well before Jetty's default of 30 s
        RawHttp.Answer answer = RawHttp.exchange(app.port(), stalled, ApiServer.IDLE_TIMEOUT.plusSeconds(10));

        if (!answer.closedWithoutAnswer()) {
            // Javalin answers a read that timed out itself (the gateway's body reader answers 400 problem+json)
            assertThat(answer.status()).as(answer.body()).isEqualTo(408);
        }
    }
}
