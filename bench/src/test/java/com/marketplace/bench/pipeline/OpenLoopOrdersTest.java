package com.marketplace.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpenLoopOrdersTest {

    @Test
    void aSlowServerDoesNotSlowTheClientAndItsWaitCountsFromEachDueTime() throws Exception {
        // Given a server that takes 200 ms per order with up to 8 at a time
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        AtomicLong ids = new AtomicLong();
        server.createContext("/api/v1/orders", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().add("Location", "/api/v1/orders/" + ids.incrementAndGet());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        try {
            // When 100 orders/s are due for 2 s (each one 200 ms, 8 at a time: 40/s served)
            long start = System.nanoTime();
            List<OpenLoopOrders.Sent> sent = new OpenLoopOrders(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).run(100, Duration.ofSeconds(2), start);

            // Then every request was sent near its due time, answered, and the queue shows in latency
            assertThat(sent).hasSize(200).allMatch(OpenLoopOrders.Sent::created);
            assertThat(sent.stream().map(OpenLoopOrders.Sent::orderId).distinct()).hasSize(200);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(sent.get(i).dueNanos()).isEqualTo(start + i * TimeUnit.MILLISECONDS.toNanos(10));
                // a client that waited for answers would send the last ones some 3 s late (40 served a second)
                assertThat(sent.get(i).sentNanos() - sent.get(i).dueNanos()).isLessThan(TimeUnit.SECONDS.toNanos(1));
            }
            OpenLoopOrders.Sent last = sent.get(sent.size() - 1);
            assertThat(last.answeredNanos() - last.dueNanos()).isGreaterThan(TimeUnit.SECONDS.toNanos(2));
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
