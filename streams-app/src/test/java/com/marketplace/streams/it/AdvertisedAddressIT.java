package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.http.testing.LogCapture;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances that advertise one address (real broker): the group's static member id is named after
 * it, so the second to join fences the first, which stops saying why.
 */
class AdvertisedAddressIT {

    @RegisterExtension
    final BrokerPerTest kafka = new BrokerPerTest();

    @Test
    void anInstanceFencedByAnotherWithItsAddressStopsNamingTheSetting() {
        String applicationId = "address-it-" + UUID.randomUUID().toString().substring(0, 8);
        int firstPort = FreePorts.nextOnAllInterfaces();
        String shared = "localhost:" + firstPort;
        try (LogCapture logs = LogCapture.start()) {
            StreamsApp first = start(applicationId, "first", firstPort, shared);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.streams().state() == KafkaStreams.State.RUNNING);

            start(applicationId, "second", FreePorts.nextOnAllInterfaces(), shared);

            await().atMost(Duration.ofSeconds(60)).until(() -> first.streams().state() == KafkaStreams.State.ERROR);
            assertThat(logs.warningsAndErrors()).anyMatch(line -> line.startsWith("ERROR ")
                    && line.contains("another instance of " + applicationId + " joined the group with this instance's"
                    + " APPLICATION_SERVER " + shared));
        }
    }

    private StreamsApp start(String applicationId, String name, int port, String advertised) {
        return kafka.stoppedAfterTest(StreamsApp.create(StreamsAppConfig.defaults()
                .withKafka(kafka.broker().bootstrapServers(), Path.of("target", "it-state", applicationId, name))
                .withApplicationId(applicationId)
                .withJitWarmUpEvents(0)
                .withHttp(port, advertised))).start();
    }
}
