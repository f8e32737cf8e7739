package com.marketplace.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Http1ConnectionTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/fixed", exchange -> answer(exchange, 201, "{\"orderId\":1}".getBytes(), false));
        server.createContext("/chunked", exchange -> answer(exchange, 201, "x".repeat(40_000).getBytes(), true));
        server.createContext("/close", exchange -> {
            exchange.getResponseHeaders().add("Connection", "close");
            answer(exchange, 503, "{}".getBytes(), false);
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void answer(HttpExchange exchange, int status, byte[] body, boolean chunked) throws IOException {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        clientPorts.add(exchange.getRemoteAddress().getPort());
        exchange.getResponseHeaders().add("Location", "/api/v1/orders/" + ids.incrementAndGet());
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void answersOfFixedLengthAreReadOnOneKeptAliveConnection() throws IOException {
        try (Http1Connection connection = new Http1Connection(uri("/fixed"), Duration.ofSeconds(5))) {
            for (int i = 0; i < 50; i++) {
                Http1Connection.Answer answer = connection.post(TwoItemOrders.json(i));
                assertThat(answer.status()).isEqualTo(201);
                assertThat(answer.location()).isEqualTo("/api/v1/orders/" + (i + 1));
            }
        }
        assertThat(clientPorts).hasSize(1);
        assertThat(bodies).hasSize(50);
        assertThat(bodies.get(7)).isEqualTo(new String(TwoItemOrders.json(7), StandardCharsets.UTF_8));
    }

    @Test
    void chunkedAnswersLongerThanTheBufferAreReadToTheirEnd() throws IOException {
        try (Http1Connection connection = new Http1Connection(uri("/chunked"), Duration.ofSeconds(5))) {
            for (int i = 0; i < 5; i++) {
                assertThat(connection.post(TwoItemOrders.json(i)).status()).isEqualTo(201);
            }
        }
        assertThat(clientPorts).hasSize(1);
    }

    @Test
    void anAnswerWithConnectionCloseMakesTheNextRequestOpenANewConnection() throws IOException {
        try (Http1Connection connection = new Http1Connection(uri("/close"), Duration.ofSeconds(5))) {
            assertThat(connection.post(TwoItemOrders.json(1)).status()).isEqualTo(503);
            assertThat(connection.post(TwoItemOrders.json(2)).status()).isEqualTo(503);
        }
        assertThat(clientPorts).hasSize(2);
    }

    @Test
    void aMalformedAnswerFailsTheRequestAndTheConnectionRecovers() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread peer = answerEachConnectionOnce(raw, "SMTP ready\r\n\r\n",
                    "HTTP/1.1 201 Created\r\nLocation: /api/v1/orders/9\r\nContent-Length: 2\r\n\r\n{}");
            try (Http1Connection connection = new Http1Connection(uri(raw), Duration.ofSeconds(5))) {
                assertThatThrownBy(() -> connection.post(TwoItemOrders.json(1)))
                        .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP/1.x status line");
                assertThat(connection.post(TwoItemOrders.json(2)))
                        .isEqualTo(new Http1Connection.Answer(201, "/api/v1/orders/9"));
            }
            peer.join(5_000);
        }
    }

    @Test
    void anAnswerCutShortFailsTheRequest() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread peer = answerEachConnectionOnce(raw, "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{\"a\"");
            try (Http1Connection connection = new Http1Connection(uri(raw), Duration.ofSeconds(5))) {
                assertThatThrownBy(() -> connection.post(TwoItemOrders.json(1)))
                        .isInstanceOf(IOException.class).hasMessageContaining("closed mid-answer");
            }
            peer.join(5_000);
        }
    }

    private static URI uri(ServerSocket raw) {
        return URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/api/v1/orders");
    }

    /**
     * A peer on {@code raw} that takes one connection per answer, in order: it reads one request,
     * writes the answer's bytes as they are and closes the connection.
     */
    private static Thread answerEachConnectionOnce(ServerSocket raw, String... answers) {
        Thread peer = new Thread(() -> {
            try {
                for (String answer : answers) {
                    try (Socket s = raw.accept()) {
                        readRequest(s.getInputStream());
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
            } catch (IOException ignored) {
                // the test's assertions tell
            }
        });
        peer.start();
        return peer;
    }

    /** Reads a request head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        String lower = head.toString().toLowerCase();
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
        in.readNBytes(length);
    }
}
