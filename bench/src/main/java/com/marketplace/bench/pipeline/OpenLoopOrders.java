package com.marketplace.bench.pipeline;

import com.marketplace.bench.http.Http1Connection;
import com.marketplace.bench.http.TwoItemOrders;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code POST /api/v1/orders} at a fixed rate, open loop: request i is due at
 * {@code start + i / rate} whether or not earlier ones were answered, so a slow server cannot slow
 * the client down and hide its own queueing (coordinated omission). Each request's latency is
 * measured from the moment it was due, not from when it was actually sent.
 *
 * <p>The pacing thread hands each due request to an idle sender; each sender owns one keep-alive
 * connection ({@link Http1Connection}). When none is idle a new sender with its own connection
 * starts, up to {@value #MAX_CONNECTIONS}, so the number of connections follows the number of
 * requests in flight, as a browser population's would.
 */
public final class OpenLoopOrders {

    /** Requests in flight at most; beyond it due requests wait for a sender (and that wait is measured). */
    static final int MAX_CONNECTIONS = 1_024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What happened to one request; times are {@link System#nanoTime()} values: when it was due, when
     * a sender began writing it ({@code sentNanos - dueNanos} is how far the client itself was behind),
     * and when its answer came (or the client gave up on it: status -1).
     */
    public record Sent(long dueNanos, long sentNanos, long answeredNanos, int status, long orderId) {
        public boolean created() {
            return status == 201 && orderId > 0;
        }
    }

    private final URI orders;

    public OpenLoopOrders(URI base) {
        this.orders = base.resolve("/api/v1/orders");
    }

    /**
     * Runs the client's own code for {@code length} against a local stub answering 201, so that its
     * JIT compilation is done before it measures and does not compete with the services under test.
     */
    static void warmUp(int rate, Duration length) throws IOException, InterruptedException {
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
    public List<Sent> run(int rate, Duration length, long startNanos) throws InterruptedException {
        int total = Math.toIntExact(length.toSeconds() * rate);
        double intervalNanos = TimeUnit.SECONDS.toNanos(1) / (double) rate;
        long[] dues = new long[total];
        AtomicLongArray sends = new AtomicLongArray(total);
        AtomicReferenceArray<Sent> answers = new AtomicReferenceArray<>(total);
        CountDownLatch answered = new CountDownLatch(total);
        LinkedTransferQueue<Integer> due = new LinkedTransferQueue<>();
        List<Thread> senders = new ArrayList<>();
        try {
            for (int i = 0; i < total; i++) {
                dues[i] = startNanos + (long) (i * intervalNanos);
                long wait = dues[i] - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!due.tryTransfer(i)) {
                    if (senders.size() < MAX_CONNECTIONS) {
                        senders.add(startSender(senders.size(), due, dues, sends, answers, answered));
                    }
                    due.put(i);
                }
            }
            answered.await(60, TimeUnit.SECONDS);
        } finally {
            senders.forEach(Thread::interrupt);
        }
        long gaveUp = System.nanoTime();
        List<Sent> sent = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            Sent one = answers.get(i);
            long sentNanos = sends.get(i);
            sent.add(one != null ? one : new Sent(dues[i], sentNanos == 0 ? gaveUp : sentNanos, gaveUp, -1, -1));
        }
        return sent;
    }

    private Thread startSender(int number, LinkedTransferQueue<Integer> due, long[] dues, AtomicLongArray sends,
            AtomicReferenceArray<Sent> answers, CountDownLatch answered) {
        Thread sender = new Thread(() -> {
            try (Http1Connection connection = new Http1Connection(orders, REQUEST_TIMEOUT)) {
                while (true) {
                    int i = due.take();
                    long sentNanos = System.nanoTime();
                    sends.set(i, sentNanos);
                    Sent one;
                    try {
                        Http1Connection.Answer answer = connection.post(TwoItemOrders.json(i));
                        one = new Sent(dues[i], sentNanos, System.nanoTime(), answer.status(), orderId(answer));
                    } catch (IOException | RuntimeException e) {
                        one = new Sent(dues[i], sentNanos, System.nanoTime(), -1, -1);
                    }
                    answers.set(i, one);
                    answered.countDown();
                }
            } catch (InterruptedException e) {
                // the run is over
            }
        }, "open-loop-sender-" + number);
        sender.setDaemon(true);
        sender.start();
        return sender;
    }

    private static long orderId(Http1Connection.Answer answer) {
        String location = answer.location();
        if (location == null) {
            return -1;
        }
        try {
            return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
