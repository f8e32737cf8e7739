package com.marketplace.streams.it;

import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.streams.StreamsApp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker of its own for each test ({@code @RegisterExtension}), and the streams apps a test
 * starts on it, stopped after the test (whether or not the test stopped them: a stop is idempotent).
 */
final class BrokerPerTest implements BeforeEachCallback, AfterEachCallback {

    private final List<StreamsApp> apps = new ArrayList<>();
    private EmbeddedKafkaBroker broker;

    EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** {@code app}, stopped after the test. */
    StreamsApp stoppedAfterTest(StreamsApp app) {
        apps.add(app);
        return app;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            apps.forEach(StreamsApp::stop);
        } finally {
            apps.clear();
            broker.close();
        }
    }
}
