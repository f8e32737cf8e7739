package com.marketplace.streams.bench;

import com.marketplace.events.StoreNames;
import com.marketplace.http.testing.FreePorts;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.it.InputScenario;
import com.marketplace.streams.it.QueryHttp;
import com.marketplace.streams.query.QueryPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Latency of keyed queries (order state) answered locally versus forwarded to the other instance,
 * with two instances against the in-process broker. One client thread, sequential requests, after a
 * warm-up. Not a test. Run from the repository root:
 * <pre>
 * SKIP_BUILD=1 streams-app/bench.sh   # once, to build the classpath file; or run test-compile + build-classpath
 * java -cp "streams-app/target/test-classes:streams-app/target/classes:$(cat streams-app/target/test.classpath)" \
 *   com.marketplace.streams.bench.QueryLatencyBenchmark [requests per kind, default 2000]
 * </pre>
 */
public final class QueryLatencyBenchmark {

    private static final int ORDERS = 500;
    private static final int WARMUP = 500;

    private QueryLatencyBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            String applicationId = "iq-bench-" + UUID.randomUUID().toString().substring(0, 8);
            StreamsApp first = start(broker, applicationId, "first");
            StreamsApp second = start(broker, applicationId, "second");
            try {
                run(broker, first, second, requests);
            } finally {
                second.stop();
                first.stop();
            }
        }
    }

    private static void run(EmbeddedKafkaBroker broker, StreamsApp first, StreamsApp second, int requests)
            throws InterruptedException {
        while (!(running(first) && running(second))) {
            Thread.sleep(100);
        }
        InputScenario.ofOrders(3, ORDERS, 0, Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)))
                .publish(broker.bootstrapServers());
        QueryHttp http = new QueryHttp();
        while (http.get(first.port(), QueryPaths.withId(QueryPaths.ORDER_STATE, ORDERS)).statusCode() != 200
                || http.get(second.port(), QueryPaths.withId(QueryPaths.ORDER_STATE, ORDERS)).statusCode() != 200) {
            Thread.sleep(200);
        }
        HostInfo self = HostInfo.buildFromEndpoint(first.config().applicationServer());
        List<Long> local = new ArrayList<>();
        List<Long> remote = new ArrayList<>();
        for (long id = 1; id <= ORDERS; id++) {
            HostInfo owner = first.streams().queryMetadataForKey(StoreNames.ORDER_STATE, Long.toString(id),
                    new StringSerializer()).activeHost();
            (owner.equals(self) ? local : remote).add(id);
        }
        measure(http, first, local, WARMUP);
        measure(http, first, remote, WARMUP);
        report("local    ", measure(http, first, local, requests));
        report("forwarded", measure(http, first, remote, requests));
    }

    private static long[] measure(QueryHttp http, StreamsApp app, List<Long> ids, int requests) {
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            String path = QueryPaths.withId(QueryPaths.ORDER_STATE, ids.get(i % ids.size()));
            long start = System.nanoTime();
            int status = http.get(app.port(), path).statusCode();
            nanos[i] = System.nanoTime() - start;
            if (status != 200) {
                throw new IllegalStateException(path + " answered " + status);
            }
        }
        return nanos;
    }

    private static void report(String kind, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s n=%d  p50=%.2f ms  p99=%.2f ms  max=%.2f ms%n", kind, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.ceil(p * sorted.length) - 1] / 1e6;
    }

    private static StreamsApp start(EmbeddedKafkaBroker broker, String applicationId, String name) {
        int port = FreePorts.freePort();
        StreamsAppConfig config = StreamsAppConfig.defaults()
                .withKafka(broker.bootstrapServers(), Path.of("target", "bench-state", applicationId, name))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port)
                .withStandbyReplicas(1);
        return StreamsApp.create(config).start();
    }

    private static boolean running(StreamsApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING;
    }
}
