package com.marketplace.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Client-side load: closed-loop workers bounded in time, and a backlog writer. */
public final class Load {

    /** One step of a worker; returns false when this worker has nothing more to do. */
    @FunctionalInterface
    public interface Step {
        boolean run(int worker, long iteration) throws Exception;
    }

    /**
     * One client for every look at a service's metrics or statistics: scenarios poll these many
     * times a second, and each new client would start a selector thread of its own.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Load() {
    }

    /**
     * Runs {@code workers} threads, each calling {@code step} in a loop until {@code length} has
     * passed or the step returns false; waits for them (a step in progress at the deadline may finish, within {@code length} more).
     */
    public static void run(int workers, Duration length, Step step) throws Exception {
        long deadline = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (long i = 0; System.nanoTime() < deadline && step.run(worker, i); i++) {
                        // next step
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(length.toMillis() * 2 + 60_000, TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code step}, each call stretched to at least {@code 1/perSecond} s, so that a worker runs it
     * at most {@code perSecond} times a second (a steady rate while the step is quicker than that).
     */
    public static Step paced(double perSecond, Step step) {
        long periodNanos = (long) (1_000_000_000L / perSecond);
        return (worker, i) -> {
            long started = System.nanoTime();
            boolean more = step.run(worker, i);
            long left = periodNanos - (System.nanoTime() - started);
            if (left > 0) {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
            return more;
        };
    }

    /**
     * Writes {@code orders} orders through {@code gateway}, each followed by one status change to
     * PAID, with a few threads: {@code 2 x orders} outbox events. Requests are retried until answered.
     *
     * @throws IllegalStateException when an order or change is refused
     */
    public static void backlog(JarService gateway, int orders, int threads, Duration timeout) throws Exception {
        OrderClient client = new OrderClient(gateway.uri("/"));
        AtomicLong next = new AtomicLong();
        run(threads, timeout, (worker, i) -> {
            long n = next.getAndIncrement();
            if (n >= orders) {
                return false;
            }
            String body = OrderClient.orderBody(1 + n % 40, 1 + n % 15, 16 + n % 5, n);
            OrderClient.Answer created = client.createUntilAnswered("backlog-" + n, body, Duration.ofSeconds(30));
            if (created.status() != 201) {
                throw new IllegalStateException("backlog order " + n + " answered " + created.status());
            }
            OrderClient.Answer paid = client.changeStatusUntilAnswered(created.orderId(), "PAID", Duration.ofSeconds(30));
            if (!paid.ok()) {
                throw new IllegalStateException("order " + created.orderId() + " PAID answered " + paid.status());
            }
            return true;
        });
        if (next.get() < orders + threads) {
            throw new IllegalStateException("only " + next.get() + " of " + orders + " backlog orders written in " + timeout);
        }
    }

    /** The value of a counter or gauge in a service's Prometheus {@code /metrics}, summed over its labels; NaN if absent. */
    public static double metric(JarService service, String name) {
        return metric(service, name, "");
    }

    /**
     * The value of a counter or gauge in a service's Prometheus {@code /metrics}, summed over the
     * series whose labels contain {@code label} (for example {@code state_id="dedupe-store"}); NaN if none.
     */
    public static double metric(JarService service, String name, String label) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(service.uri("/metrics")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$")
                    .matcher(response.body());
            double sum = Double.NaN;
            while (m.find()) {
                if (label.isEmpty() || (m.group(1) != null && m.group(1).contains(label))) {
                    sum = (Double.isNaN(sum) ? 0 : sum) + Double.parseDouble(m.group(2));
                }
            }
            return sum;
        } catch (java.io.IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** A GET's body, or null when nothing or something other than 200 answers. */
    public static String get(URI uri) {
        HttpResponse<String> response = answer(uri);
        return response != null && response.statusCode() == 200 ? response.body() : null;
    }

    /** A GET's answer, or null when nothing answers within 5 s. */
    public static HttpResponse<String> answer(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
