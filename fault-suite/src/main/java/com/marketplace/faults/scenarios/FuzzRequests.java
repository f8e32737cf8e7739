package com.marketplace.faults.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.marketplace.faults.OrderClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bad and hostile HTTP/1.1 requests to the gateway's order API, and a plain-socket client to send
 * them. Request {@code i} of seed {@code s} is always the same bytes, whatever order or thread
 * they are sent in, so one failing request can be sent again alone. Every request carries
 * {@code Connection: close}: one request, one answer, one connection.
 *
 * <p>No request is meant to be valid, but a mutation can produce a valid order; the scenario
 * accounts for those by the {@code 201} answers. Status changes only target {@code terminalOrderId}
 * (an order already in a terminal status) or ids that cannot exist, so no fuzzed request can move
 * an order.
 */
final class FuzzRequests {

    /** What a request abuses; each kind has its own share of the requests. */
    enum Kind {
        MUTATED_JSON(24), RANDOM_JSON(8), NUMBERS(15), DEEP_NESTING(7), LONG_STRINGS(5), WRONG_METHOD(12),
        HEADER_ABUSE(16), CUT_SHORT(13),
        /** A body cut short by a client that then falls silent; sent separately, never drawn. */
        SILENT(0);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /** How the client ends its side after sending the bytes. */
    enum Cut {
        /** Sends everything the head announces. */
        NONE,
        /** Sends less than announced, then half-closes: the server sees the body end early. */
        CLOSE,
        /** Sends less than announced, waits a little, then half-closes. */
        STALL_THEN_CLOSE,
        /** Sends less than announced, waits a little, then drops the connection without reading. */
        ABORT,
        /** Sends less than announced and stays silent: the server must give up on its own. */
        SILENT
    }

    /**
     * One request.
     *
     * @param mayBeCutOff the server may close instead of answering: the body is cut short, or so
     *                    large that the server answers before reading it and drops the rest
     */
    record Request(int index, Kind kind, String method, byte[] bytes, Cut cut, boolean mayBeCutOff) {

        /** The first bytes of the request as printable text, for a failure message. */
        String excerpt() {
            String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1)
                    .replace("\r\n", "\\r\\n");
            return text + (bytes.length > 300 ? "… (" + bytes.length + " bytes)" : "");
        }
    }

    /** What became of one request. */
    enum State {
        ANSWERED,
        /** The server closed (or reset) the connection without an answer. */
        CLOSED,
        /** The client dropped the connection on purpose ({@link Cut#ABORT}). */
        ABANDONED,
        NO_ANSWER_IN_TIME,
        NOT_HTTP,
        /** Nothing listens: the gateway is gone. */
        REFUSED
    }

    /**
     * The outcome of one request; {@code status} and the rest are set only when {@link State#ANSWERED}.
     *
     * @param body the answer's body (at most the first 4 KiB)
     */
    record Outcome(State state, int status, String contentType, long location, String body, Duration took) {

        static Outcome of(State state, Duration took) {
            return new Outcome(state, 0, "", -1, "", took);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ORDERS = "/api/v1/orders";
    /** Ids no order of a test database reaches. */
    private static final String[] ABSENT_IDS = {"999999999999", "9223372036854775807"};
    private static final String[] BAD_IDS = {"0", "-1", "01", "+1", "1e3", "1.0", "0x10", "abc", "%00", "%ZZ",
            "9223372036854775808", "99999999999999999999999", "%EF%BC%91", "null", "' OR '1'='1", "x".repeat(300)};
    private static final String[] TOP_FIELDS = {"buyerId", "buyerEmail", "currency", "items"};
    private static final String[] ITEM_FIELDS = {"productId", "sellerId", "quantity", "unitPrice"};
    private static final String[] NUMBER_FIELDS = {"buyerId", "productId", "sellerId", "quantity", "unitPrice"};
    private static final String[] OTHER_TYPES = {"\"1\"", "\"\"", "true", "false", "null", "[]", "{}", "[1]",
            "{\"a\":1}", "1.5", "0", "-1", "\"KRW\"", "\"a@b.c\"", "[{}]", "[null]"};
    private static final String[] EXTREME_NUMBERS = {"1e309", "-1e309", "1E308", "-0", "-0.0", "0", "0.0",
            "9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "-2147483649",
            "1" + "0".repeat(500), "9".repeat(2_000), "0." + "0".repeat(1_000) + "1", "1e2147483648",
            "1e-2147483649", "1e-400", "-1", "-1500.00", "-0.01", "0.001", "1.005", "1000000000.01",
            "1000000001", "10001", "1E+9", "1e9", "123456789012345678901234567890.12", "NaN", "Infinity",
            "-Infinity", "0x10", "01", ".5", "5.", "+1", "1_000", "1e", "--1", "1.2.3", "4.9e-324",
            "1.7976931348623157e308"};
    private static final String[] WRONG_METHODS = {"PUT", "DELETE", "PATCH", "GET", "HEAD", "OPTIONS", "TRACE",
            "POST", "CONNECT", "FOO", "get", "PROPFIND"};
    private static final String[] BAD_CONTENT_TYPES = {null, "text/plain", "application/xml",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=ISO-8859-1",
            "application/json; charset=utf-16", "application/jsonx", "application", "", "json", "*/*", "text/json",
            "application/problem+json"};
    private static final String[] BAD_KEYS = {"", " ", "k".repeat(256), "k".repeat(10_000), "key with space",
            "\u00ff\u00fekey", "k\u0001k", "k\tk", "\u00e9t\u00e9"};

    private final long seed;
    private final long terminalOrderId;

    /**
     * @param seed            the run's seed
     * @param terminalOrderId an existing order in a terminal status, the target of status changes
     */
    FuzzRequests(long seed, long terminalOrderId) {
        this.seed = seed;
        this.terminalOrderId = terminalOrderId;
    }

    /** Request {@code index} of this seed. */
    Request request(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        Kind kind = pickKind(random);
        return switch (kind) {
            case MUTATED_JSON -> post(index, kind, random, mutated(random));
            case RANDOM_JSON -> post(index, kind, random, randomJson(random, 0));
            case NUMBERS -> post(index, kind, random, extremeNumber(random));
            case DEEP_NESTING -> post(index, kind, random, deep(random));
            case LONG_STRINGS -> longString(index, random);
            case WRONG_METHOD -> wrongMethod(index, random);
            case HEADER_ABUSE -> headerAbuse(index, random);
            case CUT_SHORT -> cutShort(index, random, random.nextInt(3) == 0 ? Cut.STALL_THEN_CLOSE
                    : random.nextInt(4) == 0 ? Cut.ABORT : Cut.CLOSE);
            case SILENT -> throw new IllegalStateException("silent requests are not drawn");
        };
    }

    /** A request whose body stops short and whose client then says nothing more. */
    Request silent(int index) {
        return cutShort(index, new Random(seed * 1_000_003L - index), Cut.SILENT);
    }

    private static Kind pickKind(Random random) {
        int total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        int r = random.nextInt(total);
        for (Kind k : Kind.values()) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new IllegalStateException();
    }

    // ---- bodies

    private static String validOrder(Random random) {
        return OrderClient.orderBody(1 + random.nextInt(50), 1 + random.nextInt(20), 21 + random.nextInt(20),
                random.nextInt(1_000));
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid order changed by one to three mutations. */
    private String mutated(Random random) {
        ObjectNode order = tree(validOrder(random));
        int treeMutations = 1 + random.nextInt(2);
        for (int i = 0; i < treeMutations; i++) {
            ObjectNode target = random.nextBoolean() ? order : anItem(random, order);
            String field = pick(random, target == order ? TOP_FIELDS : ITEM_FIELDS);
            switch (random.nextInt(5)) {
                case 0 -> target.remove(field);
                case 1 -> target.putRawValue(field, new RawValue(pick(random, OTHER_TYPES)));
                case 2 -> target.set(field.toUpperCase(Locale.ROOT), target.remove(field));
                case 3 -> target.put("unknown" + random.nextInt(3), "x");
                default -> {
                    if (order.get("items") instanceof ArrayNode items) {
                        items.add(items.isEmpty() ? MAPPER.createObjectNode() : items.get(0).deepCopy());
                    }
                }
            }
        }
        String json = text(order);
        return switch (random.nextInt(6)) {
            case 0 -> json.substring(0, random.nextInt(json.length())); // truncated
            case 1 -> flip(random, json);
            case 2 -> "{\"" + pick(random, TOP_FIELDS) + "\":" + pick(random, OTHER_TYPES) + "," + json.substring(1); // a field twice
            case 3 -> json + pick(random, new String[] {"}", "]", ",", " {}", "x", "\u0000", "\n{\"a\":1}"});
            default -> json;
        };
    }

    /** One of the order's items, or the order itself when an earlier mutation left no item object. */
    private static ObjectNode anItem(Random random, ObjectNode order) {
        if (order.get("items") instanceof ArrayNode items && !items.isEmpty()
                && items.get(random.nextInt(items.size())) instanceof ObjectNode item) {
            return item;
        }
        return order;
    }

    private static String flip(Random random, String json) {
        char[] chars = json.toCharArray();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(chars.length);
            chars[at] = switch (random.nextInt(4)) {
                case 0 -> (char) (0x20 + random.nextInt(0x5f));
                case 1 -> "{}[]:,\"\\".charAt(random.nextInt(8));
                case 2 -> (char) random.nextInt(0x20);
                default -> (char) (0x80 + random.nextInt(0x3000));
            };
        }
        return new String(chars);
    }

    private static String randomJson(Random random, int depth) {
        int shape = depth > 4 ? 4 + random.nextInt(4) : random.nextInt(8);
        return switch (shape) {
            case 0, 1 -> {
                StringBuilder object = new StringBuilder("{");
                int fields = random.nextInt(5);
                for (int i = 0; i < fields; i++) {
                    String name = random.nextBoolean() ? pick(random, TOP_FIELDS) : pick(random, ITEM_FIELDS);
                    object.append(i == 0 ? "" : ",").append('"').append(random.nextInt(4) == 0 ? "x" + i : name)
                            .append("\":").append(randomJson(random, depth + 1));
                }
                yield object.append('}').toString();
            }
            case 2, 3 -> {
                StringBuilder array = new StringBuilder("[");
                int values = random.nextInt(4);
                for (int i = 0; i < values; i++) {
                    array.append(i == 0 ? "" : ",").append(randomJson(random, depth + 1));
                }
                yield array.append(']').toString();
            }
            case 4 -> pick(random, EXTREME_NUMBERS);
            case 5 -> pick(random, new String[] {"true", "false", "null"});
            case 6 -> Long.toString(random.nextLong());
            default -> '"' + randomString(random, random.nextInt(20)) + '"';
        };
    }

    private static String randomString(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(3) == 0 ? (char) (0xa0 + random.nextInt(0x2000)) : (char) ('a' + random.nextInt(26)));
        }
        return s.toString().replace("\\", "");
    }

    /** A valid order with one numeric field replaced by an extreme or ill-formed number. */
    private String extremeNumber(Random random) {
        ObjectNode order = tree(validOrder(random));
        String field = pick(random, NUMBER_FIELDS);
        ObjectNode target = field.equals("buyerId") ? order : anItem(random, order);
        target.putRawValue(field, new RawValue(pick(random, EXTREME_NUMBERS)));
        return text(order);
    }

    /** Arrays or objects nested up to 100,000 deep, at the top or as a field's value, closed or not. */
    private static String deep(Random random) {
        int depth = pick(random, new Integer[] {100, 1_000, 1_001, 5_000, 10_000, 10_000, 20_000, 100_000});
        boolean arrays = random.nextInt(3) != 0;
        boolean closed = random.nextInt(4) != 0;
        StringBuilder nested = new StringBuilder(depth * 6);
        nested.append((arrays ? "[" : "{\"a\":").repeat(arrays || depth <= 10_000 ? depth : 10_000));
        nested.append("1");
        if (closed) {
            nested.append((arrays ? "]" : "}").repeat(arrays || depth <= 10_000 ? depth : 10_000));
        }
        return switch (random.nextInt(3)) {
            case 0 -> nested.toString();
            case 1 -> "{\"buyerId\":1,\"buyerEmail\":\"a@b.co\",\"currency\":\"KRW\",\"items\":" + nested + "}";
            default -> "{\"buyerId\":" + nested + "}";
        };
    }

    // ---- requests

    private Request post(int index, Kind kind, Random random, String body) {
        boolean statusChange = random.nextInt(8) == 0;
        String target = statusChange ? statusPath(random) : ORDERS;
        String finalBody = statusChange && random.nextBoolean() ? "{\"status\":" + body + "}" : body;
        byte[] bytes = finalBody.getBytes(StandardCharsets.UTF_8);
        return new Request(index, kind, statusChange ? "PUT" : "POST",
                wire(statusChange ? "PUT" : "POST", target, List.of("Content-Type: application/json"), bytes),
                Cut.NONE, bytes.length > 64 * 1024);
    }

    private String statusPath(Random random) {
        String id = random.nextBoolean() ? Long.toString(terminalOrderId) : pick(random, ABSENT_IDS);
        return ORDERS + "/" + id + "/status";
    }

    /** A field value of 255 characters to 2.5 MB, most over the 64 KiB body limit. */
    private Request longString(int index, Random random) {
        int length = pick(random, new Integer[] {255, 5_000, 60_000, 65_536, 70_000, 1_048_576, 1_100_000, 2_500_000});
        String value = random.nextInt(3) == 0 ? "\u00e9".repeat(length / 2) : "a".repeat(length);
        String body;
        String method = "POST";
        String target = ORDERS;
        switch (random.nextInt(5)) {
            case 0 -> body = tree(validOrder(random)).put("buyerEmail", value + "@example.com").toString();
            case 1 -> body = tree(validOrder(random)).put("currency", value).toString();
            case 2 -> body = tree(validOrder(random)).put("note", value).toString();
            case 3 -> {
                body = "{\"status\":\"" + value + "\"}";
                method = "PUT";
                target = statusPath(random);
            }
            default -> body = "{\"buyerId\":1,\"buyerEmail\":\"" + value + "\"";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        byte[] wire;
        if (random.nextInt(4) == 0) {
            wire = chunked(method, target, headers, bytes);
        } else {
            wire = wire(method, target, headers, bytes);
        }
        return new Request(index, Kind.LONG_STRINGS, method, wire, Cut.NONE, bytes.length > 64 * 1024);
    }

    private Request wrongMethod(int index, Random random) {
        String id = random.nextBoolean() ? Long.toString(terminalOrderId) : random.nextBoolean()
                ? pick(random, ABSENT_IDS) : pick(random, BAD_IDS);
        String path = pick(random, new String[] {ORDERS, ORDERS + "/" + id, ORDERS + "/" + id + "/status",
                ORDERS + "/" + id + "/items", ORDERS + "/", "/api/v1/order", "/api/v2/orders", "/api/v1", "/",
                "/api/v1/orders/" + id + "/status/x", "/api/v1/admin/outbox/failed", "/health/ready", "/metrics",
                "/api/v1/orders/..%2F..%2Fetc%2Fpasswd", "/x" + random.nextInt(1_000), "/api/v1/ORDERS"});
        String method = pick(random, WRONG_METHODS);
        boolean route = (method.equals("POST") && path.equals(ORDERS))
                || (method.equals("GET") && path.equals(ORDERS + "/" + id))
                || (method.equals("PUT") && path.equals(ORDERS + "/" + id + "/status"));
        if (route) {
            method = "PATCH"; // the defined routes belong to the other kinds
        }
        byte[] body = switch (random.nextInt(3)) {
            case 0 -> new byte[0];
            case 1 -> "{\"status\":\"PAID\"}".getBytes(StandardCharsets.UTF_8);
            default -> validOrder(random).getBytes(StandardCharsets.UTF_8);
        };
        List<String> headers = body.length == 0 ? List.of() : List.of("Content-Type: application/json");
        return new Request(index, Kind.WRONG_METHOD, method, wire(method, path, headers, body), Cut.NONE, false);
    }

    /** A valid body with something wrong in the head: type, size, key or length. */
    private Request headerAbuse(int index, Random random) {
        boolean statusChange = random.nextInt(6) == 0;
        String method = statusChange ? "PUT" : "POST";
        String target = statusChange ? statusPath(random) : ORDERS;
        byte[] body = (statusChange ? "{\"status\":\"PAID\"}" : validOrder(random)).getBytes(StandardCharsets.UTF_8);
        List<String> head = new ArrayList<>();
        String contentType = "Content-Type: application/json";
        String length = "Content-Length: " + body.length;
        boolean big = false;
        switch (random.nextInt(6)) {
            case 0 -> {
                String type = pick(random, BAD_CONTENT_TYPES);
                contentType = type == null ? null : "Content-Type: " + type;
            }
            case 1 -> {
                int size = pick(random, new Integer[] {9_000, 20_000, 70_000});
                head.add(pick(random, new String[] {"X-Filler", "Cookie", "Idempotency-Key", "Content-Type"})
                        + ": " + "x".repeat(size));
                big = true;
            }
            case 2 -> {
                for (int i = 0, n = pick(random, new Integer[] {100, 500, 2_000}); i < n; i++) {
                    head.add("X-H" + i + ": " + i);
                }
                big = true;
            }
            case 3 -> {
                head.add("Idempotency-Key: " + pick(random, BAD_KEYS));
                if (random.nextInt(3) == 0) {
                    head.add("Idempotency-Key: second-" + random.nextInt(100));
                }
                big = head.get(0).length() > 8_000;
            }
            case 4 -> length = pick(random, new String[] {"Content-Length: abc", "Content-Length: -1",
                    "Content-Length: 1e3", "Content-Length: 99999999999999999999", "Content-Length: +" + body.length,
                    "Content-Length: " + body.length + ", " + body.length, "Content-Length: " + body.length / 2,
                    "Content-Length: 0", "Content-Length: " + body.length + "\r\nContent-Length: " + (body.length - 1),
                    "Content-Length: " + body.length + "\r\nTransfer-Encoding: chunked", "Content-Length:",
                    "Content-Length: 0x" + Integer.toHexString(body.length)});
            default -> head.add(pick(random, new String[] {"Transfer-Encoding: gzip", "Transfer-Encoding: identity",
                    "Content-Encoding: gzip", "Expect: 100-continue", "Expect: nothing", "Host: a\r\nHost: b",
                    "X-HTTP-Method-Override: DELETE", "Accept: text/html", "Bad Header: x", " Leading: x",
                    "No-Colon", "X-Ctl: a\u0001b"}));
        }
        if (contentType != null) {
            head.add(0, contentType);
        }
        head.add(length);
        return new Request(index, Kind.HEADER_ABUSE, method, raw(method, target, head, body), Cut.NONE, big);
    }

    /** Announces more body than it sends (or cuts a chunk short), then ends as {@code cut} says. */
    private Request cutShort(int index, Random random, Cut cut) {
        boolean statusChange = random.nextInt(5) == 0;
        String method = statusChange ? "PUT" : "POST";
        String target = statusChange ? statusPath(random) : ORDERS;
        byte[] body = (statusChange ? "{\"status\":\"CANCELLED\"}" : validOrder(random)).getBytes(StandardCharsets.UTF_8);
        int sent = random.nextInt(body.length);
        List<String> head = new ArrayList<>(List.of("Content-Type: application/json"));
        byte[] partial = Arrays.copyOf(body, sent);
        byte[] wire;
        if (random.nextInt(4) == 0) {
            head.add("Transfer-Encoding: chunked");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(raw(method, target, head, new byte[0]));
            out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(partial);
            wire = out.toByteArray();
        } else {
            int declared = body.length + (random.nextBoolean() ? 0 : 1 + random.nextInt(1_000));
            head.add("Content-Length: " + declared);
            wire = raw(method, target, head, partial);
        }
        return new Request(index, cut == Cut.SILENT ? Kind.SILENT : Kind.CUT_SHORT, method, wire, cut, true);
    }

    // ---- the wire

    /** A request with a correct Content-Length. */
    private static byte[] wire(String method, String target, List<String> headers, byte[] body) {
        List<String> head = new ArrayList<>(headers);
        head.add("Content-Length: " + body.length);
        return raw(method, target, head, body);
    }

    private static byte[] chunked(String method, String target, List<String> headers, byte[] body) {
        List<String> head = new ArrayList<>(headers);
        head.add("Transfer-Encoding: chunked");
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1_000);
        out.writeBytes(raw(method, target, head, new byte[0]));
        for (int at = 0; at < body.length; at += 16_384) {
            int n = Math.min(16_384, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Request line, Host, {@code headers} as given, Connection: close, blank line, body. */
    private static byte[] raw(String method, String target, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        // ISO-8859-1 keeps every char below 256 as one byte: the header abuse is sent as written
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    // ---- sending

    /**
     * Sends {@code request} on a new connection to {@code port} and reads the answer. A watchdog on
     * {@code timers} closes the connection when nothing conclusive happened within {@code bound}
     * (a write the server never reads counts as much as an answer that never comes).
     */
    static Outcome send(Request request, int port, Duration bound, ScheduledExecutorService timers) {
        long start = System.nanoTime();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> watchdog = timers.schedule(() -> {
                timedOut.set(true);
                closeQuietly(socket);
            }, bound.toMillis(), TimeUnit.MILLISECONDS);
            try {
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) bound.toMillis());
                } catch (IOException e) {
                    return Outcome.of(State.REFUSED, since(start));
                }
                socket.setSoTimeout((int) bound.toMillis());
                if (!write(socket, request.bytes())) {
                    return read(socket.getInputStream(), start, timedOut);
                }
                switch (request.cut()) {
                    case CLOSE -> socket.shutdownOutput();
                    case STALL_THEN_CLOSE, ABORT -> {
                        Thread.sleep(50 + (request.index() * 37L) % 300);
                        if (request.cut() == Cut.ABORT) {
                            return Outcome.of(State.ABANDONED, since(start));
                        }
                        socket.shutdownOutput();
                    }
                    default -> {
                        // NONE: complete; SILENT: the server must end it
                    }
                }
                return read(socket.getInputStream(), start, timedOut);
            } finally {
                watchdog.cancel(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.of(State.NO_ANSWER_IN_TIME, since(start));
        } catch (IOException e) {
            return Outcome.of(timedOut.get() ? State.NO_ANSWER_IN_TIME : State.CLOSED, since(start));
        }
    }

    /**
     * Writes in slices, stopping early when the server has already answered (it may refuse a large
     * body without reading it) or stopped reading. Returns false when it stopped early.
     */
    private static boolean write(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        try {
            for (int at = 0; at < bytes.length; at += 16_384) {
                if (at > 0 && in.available() > 0) {
                    return false;
                }
                out.write(bytes, at, Math.min(16_384, bytes.length - at));
            }
            out.flush();
            return true;
        } catch (SocketException serverClosedFirst) {
            return false;
        }
    }

    private static Outcome read(InputStream in, long start, AtomicBoolean timedOut) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8_192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
                if (complete(received.toByteArray())) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            return Outcome.of(State.NO_ANSWER_IN_TIME, since(start));
        } catch (SocketException e) {
            if (timedOut.get()) {
                return Outcome.of(State.NO_ANSWER_IN_TIME, since(start));
            }
            // reset by the server: judge what arrived before it
        }
        if (timedOut.get() && received.size() == 0) {
            return Outcome.of(State.NO_ANSWER_IN_TIME, since(start));
        }
        return parse(received.toByteArray(), since(start));
    }

    /** Whether {@code bytes} hold a whole answer: the head and as many body bytes as it announces. */
    private static boolean complete(byte[] bytes) {
        String text = finalAnswer(new String(bytes, StandardCharsets.ISO_8859_1));
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String length = headerValue(text.substring(0, end), "content-length").orElse("");
        return length.matches("\\d{1,9}") && bytes.length >= end + 4 + Long.parseLong(length);
    }

    /**
     * {@code text} from the final answer on: interim {@code 1xx} answers (such as {@code 100 Continue}
     * to {@code Expect: 100-continue}) precede it on the same connection. Empty while an interim
     * answer is still incomplete.
     */
    private static String finalAnswer(String text) {
        String rest = text;
        while (rest.matches("(?s)HTTP/1\\.\\d 1\\d\\d.*")) {
            int end = rest.indexOf("\r\n\r\n");
            if (end < 0) {
                return "";
            }
            rest = rest.substring(end + 4);
        }
        return rest;
    }

    private static Outcome parse(byte[] bytes, Duration took) {
        if (bytes.length == 0) {
            return Outcome.of(State.CLOSED, took);
        }
        String all = new String(bytes, StandardCharsets.ISO_8859_1);
        String text = finalAnswer(all);
        if (text.isEmpty()) {
            return Outcome.of(State.CLOSED, took);
        }
        int skipped = all.length() - text.length();
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String[] status = head.split("\r\n", 2)[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("\\d{3}")) {
            return new Outcome(State.NOT_HTTP, 0, "", -1, text.substring(0, Math.min(200, text.length())), took);
        }
        int bodyStart = skipped + end + 4;
        String body = end < 0 ? "" : new String(bytes, bodyStart, Math.min(4_096, bytes.length - bodyStart),
                StandardCharsets.UTF_8);
        long location = headerValue(head, "location").map(l -> {
            try {
                return Long.parseLong(l.substring(l.lastIndexOf('/') + 1));
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
        return new Outcome(State.ANSWERED, Integer.parseInt(status[1]), headerValue(head, "content-type").orElse(""),
                location, body, took);
    }

    private static Optional<String> headerValue(String head, String name) {
        Iterator<String> lines = head.lines().skip(1).iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing to end a wait; nothing else to do
        }
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }
}
