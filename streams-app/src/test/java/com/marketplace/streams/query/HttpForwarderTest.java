package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HttpForwarder} against a real HTTP server on a loopback address. */
class HttpForwarderTest {

    private static final String PATH = QueryPaths.STATUS_COUNTS + "?" + QueryPaths.PARTITIONS_PARAM + "=0";
    private static final InstanceSecret SECRET =
            InstanceSecret.of(Optional.of("forwarder-test-secret"), "forwarder-test");

    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private HttpServer peer;
    private ExecutorService peerThreads;

    @AfterEach
    void stopPeer() {
        if (peer != null) {
            peer.stop(0);
        }
        if (peerThreads != null) {
            peerThreads.shutdownNow();
        }
    }

    @Test
    void aPeerThatRefusesTheSecretIsUnavailableNotForwardedAgain() throws IOException {
        HostInfo owner = startPeer("127.0.0.1", 403, "{\"status\":403}");
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(2));

        assertThatThrownBy(() -> forwarder.get(owner, PATH, Map.class))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("INSTANCE_SECRET")
                .hasMessageContaining(owner.toString())
                .satisfies(e -> assertThat(((StoreUnavailableException) e).clientDetail())
                        .as("what a client is told names no other instance")
                        .startsWith("another instance refused the forwarded query")
                        .doesNotContain(Integer.toString(owner.port())));
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).containsEntry(QueryPaths.FORWARDED_HEADER, "127.0.0.1:1")
                .containsEntry(QueryPaths.INSTANCE_SECRET_HEADER, "forwarder-test-secret");
    }

    @Test
    void anOwnerAtAnIpv6AddressIsAsked() throws IOException {
        assumeTrue(ipv6Loopback(), "this machine has no IPv6 loopback address");
        HostInfo owner = startPeer("::1", 200, "{\"PENDING\":3}");
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("::1", 1), SECRET, Duration.ofSeconds(2));

        assertThat(forwarder.get(owner, PATH, Map.class)).contains(Map.of("PENDING", 3));
        assertThat(received).hasSize(1);
    }

    @Test
    void anAnswerLongerThanTheLimitIsUnavailableWhetherItsLengthIsDeclaredOrNot() throws IOException {
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(10));
        int limit = (int) HttpForwarder.MAX_ANSWER_BYTES;
        // up to the limit an answer is read, a field of a later version and all
        HostInfo atTheLimit = startPeer("127.0.0.1", 200, answerOfLength(limit));
        assertThat(forwarder.get(atTheLimit, PATH, Map.class)).hasValueSatisfying(
                counts -> assertThat(counts).containsEntry("PENDING", 3));
        peer.stop(0);

        // one byte more with its Content-Length: refused before its body is read
        HostInfo declared = startPeer("127.0.0.1", 200, answerOfLength(limit + 1));
        assertThatThrownBy(() -> forwarder.get(declared, PATH, Map.class))
                .isInstanceOf(StoreUnavailableException.class)
                .rootCause().hasMessageContaining("above the limit");
        peer.stop(0);

        // sent in chunks without a length, and without end (until the reader stops): refused once past the limit
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'a');
            try (var body = exchange.getResponseBody()) {
                body.write("{\"PENDING\":3,\"later\":\"".getBytes(StandardCharsets.UTF_8));
                for (long sent = 0; sent < 64L * limit; sent += chunk.length) {
                    body.write(chunk);
                }
            } catch (IOException cut) {
                // the forwarder stopped reading: what the test expects
            }
        });
        peer.start();
        HostInfo endless = new HostInfo("127.0.0.1", peer.getAddress().getPort());
        assertThatThrownBy(() -> forwarder.get(endless, PATH, Map.class))
                .isInstanceOf(StoreUnavailableException.class)
                .rootCause().hasMessageContaining("above the limit");
    }

    /** A status-count answer with a field of a later version that makes it {@code length} bytes long. */
    private static String answerOfLength(int length) {
        String head = "{\"PENDING\":3,\"later\":\"";
        String tail = "\"}";
        return head + "a".repeat(length - head.length() - tail.length()) + tail;
    }

    @Test
    void anAnswerIsReadAsStrictlyAsARequestButForFieldsOfALaterVersion() throws IOException {
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(2));
        String seller = QueryPaths.withId(QueryPaths.SELLER_STATS, 7) + "?" + QueryPaths.PARTITIONS_PARAM + "=0";
        for (String body : List.of(
                "{\"sellerId\":7,\"orders\":\"3\",\"itemsSold\":4,\"revenue\":10.50}",
                "{\"sellerId\":7,\"orders\":2.7,\"itemsSold\":4,\"revenue\":10.50}",
                "{\"sellerId\":7,\"itemsSold\":4,\"revenue\":10.50}",
                "{\"sellerId\":7,\"orders\":3,\"orders\":30,\"itemsSold\":4,\"revenue\":10.50}",
                "{\"sellerId\":7,\"orders\":3,\"itemsSold\":4,\"revenue\":\"10.50\"}",
                "{\"sellerId\":7,\"orders\":3,\"itemsSold\":4,\"revenue\":10.50}{}",
                "null")) {
            HostInfo owner = startPeer("127.0.0.1", 200, body);

            assertThatThrownBy(() -> forwarder.get(owner, seller, SellerStatsView.class)).as(body)
                    .isInstanceOf(StoreUnavailableException.class);
            stopPeer();
        }
        HostInfo later = startPeer("127.0.0.1", 200,
                "{\"sellerId\":7,\"orders\":3,\"itemsSold\":4,\"revenue\":10.50,\"returns\":1}");

        assertThat(forwarder.get(later, seller, SellerStatsView.class))
                .contains(new SellerStatsView(7, 3, 4, new BigDecimal("10.50")));
    }

    @Test
    void anOwnerWhoseAddressNamesNoHostIsUnavailable() {
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(2));

        for (String host : List.of("bad host", "under_score..", "")) {
            assertThatThrownBy(() -> forwarder.get(new HostInfo(host, 7071), PATH, Map.class))
                    .as(host).isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void theQueryApisOwn404IsNoValueAndAny404WithoutItsMarkIsUnavailable() throws IOException {
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(2));
        HostInfo notKnown = startPeer("127.0.0.1", 404, "{\"status\":404}",
                Map.of(QueryPaths.NOT_KNOWN_HEADER, "true"));

        assertThat(forwarder.get(notKnown, PATH, Map.class)).isEmpty();

        stopPeer();
        // a server that is not this application's query API (a proxy, the gateway's port) knows no such route
        HostInfo elsewhere = startPeer("127.0.0.1", 404, "{\"status\":404}", Map.of());
        assertThatThrownBy(() -> forwarder.get(elsewhere, PATH, Map.class))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("404");
    }

    @Test
    void anOwnerThatStallsInItsAnswersBodyIsUnavailableOnceTheTimeoutHasPassed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 100);
            exchange.getResponseBody().write("{\"PENDING\":".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        peer.start();
        HostInfo owner = new HostInfo("127.0.0.1", peer.getAddress().getPort());
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofMillis(500));
        try {
            // the headers came at once; the rest of the body never does
            assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> forwarder.get(owner, PATH, Map.class))
                            .isInstanceOf(StoreUnavailableException.class)
                            .hasMessageContaining("in time"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void queriesBeyondTheLimitForAnOwnerThatHasNotAnsweredAreUnavailableAfterAShortWait() throws Exception {
        CountDownLatch arrived = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        HostInfo owner = startHeldPeer(arrived, release);
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(30), 2);
        ExecutorService askers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Optional<Map>>> waiting = List.of(
                    askers.submit(() -> forwarder.get(owner, PATH, Map.class)),
                    askers.submit(() -> forwarder.get(owner, PATH, Map.class)));
            assertThat(arrived.await(30, TimeUnit.SECONDS)).as("both queries reached the owner").isTrue();

            // the owner has two unanswered queries: a third is not sent
            assertThatThrownBy(() -> forwarder.get(owner, PATH, Map.class))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("waiting for it already");
            assertThat(received).hasSize(2);

            release.countDown();
            for (Future<Optional<Map>> answer : waiting) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).contains(Map.of("PENDING", 3));
            }
            // the answered ones gave their places back
            assertThat(forwarder.get(owner, PATH, Map.class)).contains(Map.of("PENDING", 3));
        } finally {
            release.countDown();
            askers.shutdownNow();
        }
    }

    @Test
    void aQueryBeyondTheLimitWaitsInLineWithoutAThreadAndTakesThePlaceAnAnswerGivesBack() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HostInfo owner = startHeldPeer(new CountDownLatch(0), release);
        // a place wait far longer than the test's steps, so the release below comes within it
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(30), 1,
                Duration.ofSeconds(30));
        try {
            CompletableFuture<Optional<Map>> first = forwarder.ask(owner, PATH, Map.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);
            CompletableFuture<Optional<Map>> cancelled = forwarder.ask(owner, PATH, Map.class);
            CompletableFuture<Optional<Map>> second = forwarder.ask(owner, PATH, Map.class);

            // both asks returned at once, waiting in line; the first of them is given up
            assertThat(cancelled).isNotDone();
            assertThat(second).isNotDone();
            cancelled.cancel(true);
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).contains(Map.of("PENDING", 3));
            assertThat(second.get(30, TimeUnit.SECONDS)).contains(Map.of("PENDING", 3));
            assertThat(received).as("the cancelled one was never sent").hasSize(2);
            assertThat(forwarder.ask(owner, PATH, Map.class).get(30, TimeUnit.SECONDS)).as("the place is free again")
                    .contains(Map.of("PENDING", 3));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCancelledAskGivesItsPlaceBackAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HostInfo owner = startHeldPeer(new CountDownLatch(0), release);
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(30), 1);
        try {
            CompletableFuture<Optional<Map>> first = forwarder.ask(owner, PATH, Map.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 1);

            first.cancel(true);

            // the only place is free again: the next ask is sent, and answered once the owner answers
            CompletableFuture<Optional<Map>> second = forwarder.ask(owner, PATH, Map.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 2);
            release.countDown();
            assertThat(second.get(30, TimeUnit.SECONDS)).contains(Map.of("PENDING", 3));
            assertThat(first).isCancelled();
        } finally {
            release.countDown();
        }
    }

    @Test
    void anOwnersLimitHoldsWhileItsPlacesAreRetiredAndMadeAgainBetweenAnswers() throws Exception {
        // Given an owner answering at once, asked by four threads with one place: its places are
        // retired each time the last answer is in, and made again by the next ask
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peerThreads = Executors.newCachedThreadPool();
        peer.setExecutor(peerThreads);
        peer.createContext("/", exchange -> {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            byte[] bytes = "{\"PENDING\":3}".getBytes(StandardCharsets.UTF_8);
            try {
                Thread.sleep(2); // a window in which a second query in flight would be seen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            atOnce.decrementAndGet();
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        peer.start();
        HostInfo owner = new HostInfo("127.0.0.1", peer.getAddress().getPort());
        HttpForwarder forwarder = new HttpForwarder(new HostInfo("127.0.0.1", 1), SECRET, Duration.ofSeconds(30), 1,
                Duration.ofSeconds(30));
        ExecutorService askers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answered = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answered.add(askers.submit(() -> {
                    int count = 0;
                    for (int j = 0; j < 200; j++) {
                        if (forwarder.get(owner, PATH, Map.class).equals(Optional.of(Map.of("PENDING", 3)))) {
                            count++;
                        }
                    }
                    return count;
                }));
            }

            // Then every ask is answered, never more than one at a time at the owner
            for (Future<Integer> count : answered) {
                assertThat(count.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
            assertThat(mostAtOnce.get()).isEqualTo(1);
        } finally {
            askers.shutdownNow();
        }
    }

    /**
     * A peer that holds every query until {@code release} opens, then answers it; each query is
     * added to {@link #received} and counted down on {@code arrived} as it comes in.
     */
    private HostInfo startHeldPeer(CountDownLatch arrived, CountDownLatch release) throws IOException {
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peerThreads = Executors.newCachedThreadPool();
        peer.setExecutor(peerThreads);
        peer.createContext("/", exchange -> {
            received.add(Map.of());
            arrived.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = "{\"PENDING\":3}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        peer.start();
        return new HostInfo("127.0.0.1", peer.getAddress().getPort());
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private HostInfo startPeer(String address, int status, String body) throws IOException {
        return startPeer(address, status, body, Map.of());
    }

    private HostInfo startPeer(String address, int status, String body, Map<String, String> headers)
            throws IOException {
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 0);
        peer.createContext("/", exchange -> {
            received.add(Map.of(
                    QueryPaths.FORWARDED_HEADER, exchange.getRequestHeaders().getFirst(QueryPaths.FORWARDED_HEADER),
                    QueryPaths.INSTANCE_SECRET_HEADER,
                    exchange.getRequestHeaders().getFirst(QueryPaths.INSTANCE_SECRET_HEADER)));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            headers.forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        peer.start();
        return new HostInfo(address, peer.getAddress().getPort());
    }
}
