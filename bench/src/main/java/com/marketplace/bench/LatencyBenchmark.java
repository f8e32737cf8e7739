package com.marketplace.bench;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commit-to-ack latency of the outbox relay at a steady order rate: the real gateway (HTTP, relay
 * on) against the benchmark database and an in-process broker, fed {@code bench.rate} orders/s
 * [200] for {@code bench.seconds} [30] s, after a closed-loop warm-up of 2,000 orders. Reports p50/p99 of {@code outbox_commit_to_ack_seconds}
 * (from the order transaction's timestamp to the broker's acknowledgement) and of the HTTP POST.
 */
public final class LatencyBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LatencyBenchmark.class);
    private static final String ORDER = "{\"buyerId\":%d,\"buyerEmail\":\"b%d@example.com\",\"currency\":\"KRW\","
            + "\"items\":[{\"productId\":10,\"sellerId\":7,\"quantity\":2,\"unitPrice\":1500.00},"
            + "{\"productId\":11,\"sellerId\":9,\"quantity\":1,\"unitPrice\":99.90}]}";

    private LatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String dbUrl = System.getProperty("bench.dbUrl", "jdbc:mysql://127.0.0.1:3306/marketplace_bench");
        int rate = Integer.getInteger("bench.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 30);
        RelayBenchmark.BenchDatabase.createIfMissing(dbUrl, System.getProperty("bench.dbUser", "root"),
                System.getProperty("bench.dbPassword", ""));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            GatewayApp gateway = GatewayApp.create(GatewayConfig.fromEnv(env(dbUrl, broker))).start(0);
            try {
                Timer commitToAck = gateway.meterRegistry().get("outbox.commit.to.ack").timer();
                warmUp(gateway.port(), 2_000);
                long warmupCount = commitToAck.count();
                List<Long> postNanos = drive(gateway.port(), rate, Duration.ofSeconds(seconds));
                report(rate, commitToAck, warmupCount, postNanos);
            } finally {
                gateway.stop();
            }
        }
    }

    private static Map<String, String> env(String dbUrl, EmbeddedKafkaBroker broker) {
        Map<String, String> env = new HashMap<>();
        env.put(GatewayConfig.HTTP_PORT, "0");
        env.put(GatewayConfig.DB_URL, dbUrl);
        env.put(GatewayConfig.DB_USER, System.getProperty("bench.dbUser", "root"));
        env.put(GatewayConfig.DB_PASSWORD, System.getProperty("bench.dbPassword", ""));
        env.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        return env;
    }

    /** Closed loop (one request at a time) so the JIT warms up without queueing. */
    private static void warmUp(int port, int requests) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + port + "/api/v1/orders");
        for (int i = 0; i < requests; i++) {
            client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ORDER.formatted(1 + i % 5000, i))).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    /** Sends {@code rate} POSTs per second, open loop (not waiting for answers), for {@code length}. */
    private static List<Long> drive(int port, int rate, Duration length) {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + port + "/api/v1/orders");
        List<Long> latencies = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> inFlight = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long total = length.toSeconds() * rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            LockSupport.parkNanos(due - System.nanoTime());
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ORDER.formatted(1 + i % 5000, i))).build();
            long sent = System.nanoTime();
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
                latencies.add(System.nanoTime() - sent);
                if (r.statusCode() != 201) {
                    failures.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " POSTs were not answered 201");
        }
        return latencies;
    }

    private static void report(int rate, Timer commitToAck, long warmupCount, List<Long> postNanos) throws Exception {
        // give the relay a moment to acknowledge the last orders
        Thread.sleep(2_000);
        HistogramSnapshot snapshot = commitToAck.takeSnapshot();
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.MILLISECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.MILLISECONDS);
            }
        }
        List<Long> sorted = postNanos.stream().sorted().toList();
        log.info("RESULT rate={}/s orders={} commitToAck p50={} ms p99={} ms max={} ms | POST p50={} ms p99={} ms",
                rate, snapshot.count() - warmupCount, fmt(p50), fmt(p99), fmt(snapshot.max(TimeUnit.MILLISECONDS)),
                fmt(sorted.get(sorted.size() / 2) / 1e6), fmt(sorted.get((int) (sorted.size() * 0.99)) / 1e6));
    }

    private static String fmt(double ms) {
        return String.format("%.1f", ms);
    }
}
