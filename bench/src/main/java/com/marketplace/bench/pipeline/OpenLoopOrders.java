package com.marketplace.bench.pipeline;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code POST /api/v1/orders} at a fixed rate, open loop: request i is due at
 * {@code start + i / rate} whether or not earlier ones were answered, so a slow server cannot slow
 * the client down and hide its own queueing (coordinated omission). Each request's latency is
 * measured from the moment it was due, not from when it was actually sent.
 */
public final class OpenLoopOrders {

    /** Two items from two sellers, like a typical marketplace order. */
    private static final String ORDER = "{\"buyerId\":%d,\"buyerEmail\":\"b%d@example.com\",\"currency\":\"KRW\","
            + "\"items\":[{\"productId\":10,\"sellerId\":%d,\"quantity\":2,\"unitPrice\":1500.00},"
            + "{\"productId\":11,\"sellerId\":%d,\"quantity\":1,\"unitPrice\":99.90}]}";

    /**
     * What happened to one request; times are {@link System#nanoTime()} values: when it was due, when
     * the client handed it to the HTTP client ({@code sentNanos - dueNanos} is how far the client
     * itself was behind), and when its answer came (or the client gave up on it: status -1).
     */
    public record Sent(long dueNanos, long sentNanos, long answeredNanos, int status, long orderId) {
        public boolean created() {
            return status == 201 && orderId > 0;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI orders;

    public OpenLoopOrders(URI base) {
        this.orders = base.resolve("/api/v1/orders");
    }

    /**
     * Runs the client's own code for {@code length} against a local stub answering 201, so that its
     * JIT compilation is done before it measures and does not compete with the services under test.
     */
    static void warmUp(int rate, Duration length) throws IOException {
        HttpServer stub = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicLong ids = new AtomicLong();
        stub.createContext("/api/v1/orders", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "/api/v1/orders/" + ids.incrementAndGet());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        stub.setExecutor(Executors.newFixedThreadPool(4));
        stub.start();
        try {
            new OpenLoopOrders(URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/"))
                    .run(rate, length, System.nanoTime());
        } finally {
            stub.stop(0);
            ((ExecutorService) stub.getExecutor()).shutdownNow();
        }
    }

    /** Sends {@code rate} orders per second for {@code length}, then waits for every answer (at most 60 s). */
    public List<Sent> run(int rate, Duration length, long startNanos) {
        long total = length.toSeconds() * rate;
        double intervalNanos = TimeUnit.SECONDS.toNanos(1) / (double) rate;
        List<CompletableFuture<Sent>> answers = new ArrayList<>((int) total);
        long[] dues = new long[(int) total];
        long[] sends = new long[(int) total];
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < total; i++) {
            long due = startNanos + (long) (i * intervalNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            dues[i] = due;
            sends[i] = System.nanoTime();
            answers.add(send(i, due, sends[i], failures));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        long gaveUp = System.nanoTime();
        List<Sent> sent = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            sent.add(answers.get(i).getNow(new Sent(dues[i], sends[i], gaveUp, -1, -1)));
        }
        return sent;
    }

    private CompletableFuture<Sent> send(long i, long due, long sentNanos, AtomicInteger failures) {
        long buyer = 1 + i % 5_000;
        long seller = 1 + i % 200;
        HttpRequest request = HttpRequest.newBuilder(orders)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ORDER.formatted(buyer, i, seller, 200 + seller)))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> new Sent(due, sentNanos, System.nanoTime(), r.statusCode(), orderId(r)))
                .exceptionally(e -> {
                    failures.incrementAndGet();
                    return new Sent(due, sentNanos, System.nanoTime(), -1, -1);
                });
    }

    private static long orderId(HttpResponse<?> response) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
            return -1;
        }
        String path = location.get();
        return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
    }
}
