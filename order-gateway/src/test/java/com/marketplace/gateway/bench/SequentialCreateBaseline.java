package com.marketplace.gateway.bench;

import com.marketplace.gateway.support.TestOrders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A first throughput baseline, not a test: {@code N} sequential {@code POST /api/v1/orders}
 * (default 1,000, after 50 warm-up requests) against a running gateway, one at a time on one
 * connection, printing orders per second. Usage: {@code SequentialCreateBaseline [baseUrl] [N]}.
 */
public final class SequentialCreateBaseline {

    private static final int WARM_UP = 50;

    private SequentialCreateBaseline() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        URI orders = URI.create((args.length > 0 ? args[0] : "http://localhost:7070") + "/api/v1/orders");
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        post(client, orders, WARM_UP);
        long start = System.nanoTime();
        post(client, orders, count);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d sequential creates in %.2f s: %.0f orders/s (mean %.2f ms per request)%n",
                count, seconds, count / seconds, seconds * 1000 / count);
    }

    private static void post(HttpClient client, URI orders, int count) throws IOException, InterruptedException {
        for (int i = 1; i <= count; i++) {
            HttpRequest request = HttpRequest.newBuilder(orders)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TestOrders.json(i)))
                    .build();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("request " + i + " answered " + response.statusCode());
            }
        }
    }
}
