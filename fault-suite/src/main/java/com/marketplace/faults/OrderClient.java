package com.marketplace.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A blocking HTTP client of the gateway's order API, as a user's client would call it. Knows the
 * contract's request shapes; reads only the status, {@code Location} and {@code Content-Type}.
 */
public final class OrderClient {

    /** One answer; {@code status} -1 when nothing answered (refused, reset, timed out). */
    public record Answer(int status, long orderId, String contentType, Duration took) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public boolean noAnswer() {
            return status < 0;
        }
    }

    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;

    public OrderClient(URI base) {
        this.base = base;
    }

    /**
     * An order of two items from {@code sellerA} and {@code sellerB}; amounts depend on {@code n} so
     * that statistics are not all alike.
     */
    public static String orderBody(long buyer, long sellerA, long sellerB, long n) {
        int qtyA = 1 + (int) (n % 3);
        int qtyB = 1 + (int) (n % 2);
        String priceA = String.format(Locale.ROOT, "%d.%02d", 1000 + n % 900, n % 100);
        return "{\"buyerId\":" + buyer + ",\"buyerEmail\":\"buyer" + buyer + "@example.com\",\"currency\":\"KRW\","
                + "\"items\":[{\"productId\":" + (10 + n % 50) + ",\"sellerId\":" + sellerA + ",\"quantity\":" + qtyA
                + ",\"unitPrice\":" + priceA + "},{\"productId\":" + (100 + n % 7) + ",\"sellerId\":" + sellerB
                + ",\"quantity\":" + qtyB + ",\"unitPrice\":99.90}]}";
    }

    /** One {@code POST /api/v1/orders}, with an {@code Idempotency-Key} unless null. */
    public Answer create(String idempotencyKey, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/orders"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    /** One {@code PUT /api/v1/orders/{id}/status}. */
    public Answer changeStatus(long orderId, String status) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/orders/" + orderId + "/status"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"status\":\"" + status + "\"}"))
                .build();
        Answer answer = send(request);
        return answer.ok() ? new Answer(answer.status(), orderId, answer.contentType(), answer.took()) : answer;
    }

    /**
     * Sends the same creation (same key, same body) until it gets a 2xx or a 4xx, as a careful client
     * does, or {@code patience} runs out.
     *
     * @return the last answer
     */
    public Answer createUntilAnswered(String idempotencyKey, String body, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Answer answer = create(idempotencyKey, body);
            boolean retry = answer.noAnswer() || answer.status() >= 500;
            if (!retry || System.nanoTime() > deadline) {
                return answer;
            }
            pause(200);
        }
    }

    /** {@code PUT status} until answered with anything but 5xx or no answer, or {@code patience} runs out. */
    public Answer changeStatusUntilAnswered(long orderId, String status, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Answer answer = changeStatus(orderId, status);
            boolean retry = answer.noAnswer() || answer.status() >= 500;
            if (!retry || System.nanoTime() > deadline) {
                return answer;
            }
            pause(200);
        }
    }

    private Answer send(HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), orderId(response),
                    response.headers().firstValue("Content-Type").orElse(""), since(start));
        } catch (IOException e) {
            return new Answer(-1, -1, "", since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, -1, "", since(start));
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static long orderId(HttpResponse<?> response) {
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isPresent()) {
            String path = location.get();
            return Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
        }
        return -1;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
