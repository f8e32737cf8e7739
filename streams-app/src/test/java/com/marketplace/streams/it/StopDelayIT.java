package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.query.QueryPaths;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code SHUTDOWN_DELAY} on a real instance (real broker): told to stop when ready, it reports not
 * ready at once and answers queries until the delay is over, then stops.
 */
class StopDelayIT {

    private final QueryHttp http = new QueryHttp();
    @RegisterExtension
    final BrokerPerTest kafka = new BrokerPerTest();

    @Test
    void aReadyInstanceToldToStopAnswersQueriesThroughTheDelay() throws Exception {
        String applicationId = "stop-delay-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.nextOnAllInterfaces();
        StreamsApp app = kafka.stoppedAfterTest(StreamsApp.create(StreamsAppConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.broker().bootstrapServers(),
                "APPLICATION_ID", applicationId,
                "STATE_DIR", Path.of("target", "it-state", applicationId).toString(),
                "HTTP_PORT", Integer.toString(port),
                "APPLICATION_SERVER", "localhost:" + port,
                "JIT_WARMUP_EVENTS", "0",
                "SHUTDOWN_DELAY", "PT5S")))).start();
        await().atMost(Duration.ofSeconds(90)).until(() -> http.get(port, "/health/ready").statusCode() == 200);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(app::stop);

        await().atMost(Duration.ofSeconds(10)).until(() -> http.get(port, "/health/ready").statusCode() == 503);
        assertThat(http.get(port, "/health/ready").body()).contains("stopping");
        HttpResponse<String> counts = http.get(port, QueryPaths.STATUS_COUNTS);
        assertThat(counts.statusCode()).as(counts.body()).isEqualTo(200);
        assertThat(stopped).isNotDone();
        stopped.get(90, TimeUnit.SECONDS);
    }
}
