package com.marketplace.streams.http;

import com.marketplace.http.ProblemException;
import com.marketplace.http.ProblemType;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;

/** Liveness (the process answers) and readiness (Kafka Streams is RUNNING). */
public final class HealthController {

    private final KafkaStreams streams;
    private final ApiJson json;

    public HealthController(KafkaStreams streams, ApiJson json) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** {@code GET /health/live}: always 200 while the server runs. */
    public void live(Context ctx) {
        ctx.status(200).contentType(ApiJson.CONTENT_TYPE).result(json.write(Map.of("status", "UP")));
    }

    /** {@code GET /health/ready}: 200 when Kafka Streams is RUNNING, else 503 problem+json. */
    public void ready(Context ctx) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new ProblemException(ProblemType.SERVICE_UNAVAILABLE, "streams is " + state + ", not RUNNING");
        }
        ctx.status(200).contentType(ApiJson.CONTENT_TYPE).result(json.write(Map.of("status", "UP", "streams", state.name())));
    }
}
