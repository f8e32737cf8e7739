package com.marketplace.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpenLoopOrdersTest {

    @Test
    void aServerThatAnswersNothingYetDoesNotSlowTheClientAndItsWaitCountsFromEachDueTime() throws Exception {
        // Given a server that holds every order until all 200 have arrived (a closed-loop client,
        // which waits for answers before it sends more, would never get them all there)
        int orders = 200;
        CountDownLatch allArrived = new CountDownLatch(orders);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        AtomicLong ids = new AtomicLong();
        server.createContext("/api/v1/orders", exchange -> {
            exchange.getRequestBody().readAllBytes();
            allArrived.countDown();
            boolean all;
            try {
                all = allArrived.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all = false;
            }
            if (all) {
                exchange.getResponseHeaders().add("Location", "/api/v1/orders/" + ids.incrementAndGet());
            }
            exchange.sendResponseHeaders(all ? 201 : 503, -1);
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        try {
            // When 100 orders/s are due for 2 s
            long start = System.nanoTime();
            List<OpenLoopOrders.Sent> sent = new OpenLoopOrders(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).run(100, Duration.ofSeconds(2), start);

            // Then every request was sent near its due time, answered, and the wait shows in latency
            assertThat(sent).hasSize(orders).allMatch(OpenLoopOrders.Sent::created);
            assertThat(sent.stream().map(OpenLoopOrders.Sent::orderId).distinct()).hasSize(orders);
            long lastDue = sent.get(orders - 1).dueNanos();
            for (int i = 0; i < sent.size(); i++) {
                assertThat(sent.get(i).dueNanos()).isEqualTo(start + i * TimeUnit.MILLISECONDS.toNanos(10));
                assertThat(sent.get(i).sentNanos() - sent.get(i).dueNanos()).isLessThan(TimeUnit.SECONDS.toNanos(1));
                // none was answered before the last was due: the first waited some 2 s from its due time
                assertThat(sent.get(i).answeredNanos()).isGreaterThanOrEqualTo(lastDue);
            }
            OpenLoopOrders.Sent first = sent.get(0);
            assertThat(first.answeredNanos() - first.dueNanos())
                    .isGreaterThanOrEqualTo((orders - 1) * TimeUnit.MILLISECONDS.toNanos(10));
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
