package com.marketplace.http.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A seeded generator of hostile HTTP/1.1 requests for one API: its paths with ids spelled every
 * wrong way, odd methods, repeated and oversized headers, wrong content types, method override
 * and forwarding markers, bodies mutated from valid ones, invalid chunked framing, bytes outside
 * ASCII. Every request ends with {@code Connection: close} and never announces more body than it
 * sends, so the server can always answer at once. The same seed gives the same requests.
 */
public final class HostileRequests {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
            "get", "PROPFIND", "G\u00c9T", "CONNECT"};
    private static final String[] IDS = {"1", "2", "42", "0", "-1", "+1", "01", "%D9%A1", "%EF%BC%91", "1e3", "1.0",
            "0x10", "9223372036854775807", "9223372036854775808", "99999999999999999999", "%00", "%ZZ", "%",
            "..", "%2E%2E", "%2F", "a%2Fb", "%C0%AF", "%FF", "1;x=1", "null", "", "1%20", "%E2%80%AE1",
            "x".repeat(300), "3f0c9a1e-0000-4000-8000-000000000000", "' OR '1'='1"};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
            "application/json; charset=ISO-8859-1", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/problem+json", "", "application/json;;;", ";", ";;", "*/*",
            "application/json; charset=\"utf-8\"", "APPLICATION/JSON"};
    private static final String[] HEADER_VALUES = {"", " ", "x", "\u00ff\u00fe", "a".repeat(300), "k1, k2",
            "Bearer", "bearer x", "Basic YTpi", "PUT", "DELETE", "localhost:1", "\t", "%00", "1; DROP TABLE orders"};
    private static final String[] EXTRA_HEADERS = {"Idempotency-Key", "Authorization", "X-HTTP-Method-Override",
            "X-Forwarded-By-Instance", "X-Instance-Secret", "Accept", "Accept-Charset", "Expect", "Range",
            "If-None-Match", "Origin", "Cookie", "X-Forwarded-For", "Content-Encoding", "Upgrade"};

    private final Random random;
    private final List<String> pathTemplates;
    private final List<String> validBodies;

    /**
     * @param seed          makes the sequence repeatable
     * @param pathTemplates the API's paths, {@code {id}} standing for an id segment
     * @param validBodies   well-formed request bodies the generator mutates
     */
    public HostileRequests(long seed, List<String> pathTemplates, List<String> validBodies) {
        this.random = new Random(seed);
        this.pathTemplates = List.copyOf(pathTemplates);
        this.validBodies = List.copyOf(validBodies);
    }

    /** One request: head and body bytes, and the method (a HEAD answer has no body to check). */
    public record Request(String method, byte[] bytes) {

        /** The request as printable text for an assertion message. */
        public String printable() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n\n");
            return text.length() > 2_000 ? text.substring(0, 2_000) + "…" : text;
        }

        /**
         * Sends the request with {@link RawHttp} and reads its answer.
         *
         * @throws AssertionError naming the request when the server's bytes are not an HTTP answer
         *                        or none came in time
         */
        public RawHttp.Answer send(int port, Duration timeout) {
            try {
                return RawHttp.exchange(port, bytes, timeout);
            } catch (RuntimeException e) {
                throw new AssertionError(printable() + "\nwas not answered with HTTP: " + e, e);
            }
        }
    }

    public Request next() {
        String method = random.nextInt(4) == 0 ? pick(METHODS) : pick(new String[] {"GET", "POST", "PUT"});
        byte[] body = body();
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target()).append(' ').append(version()).append("\r\n");
        if (random.nextInt(20) != 0) {
            head.append("Host: localhost\r\n");
        }
        if (random.nextInt(3) != 0) {
            head.append("Content-Type: ").append(pick(CONTENT_TYPES)).append("\r\n");
        }
        int extras = random.nextInt(4);
        for (int i = 0; i < extras; i++) {
            head.append(extraHeader()).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (random.nextInt(8)) {
            case 0 -> { // chunked, well or badly framed; either way complete at once
                head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                String size = random.nextBoolean() ? Integer.toHexString(body.length) : pick(new String[] {"ZZ", "-1",
                        "fffffffffffffffff", "1;" + "x".repeat(100), " ", "0x10"});
                out.writeBytes((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
                out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            case 1 -> { // declares less than it sends, or declares it twice
                int declared = body.length == 0 ? 0 : random.nextInt(body.length);
                head.append("Content-Length: ").append(declared).append("\r\n");
                if (random.nextBoolean()) {
                    head.append("Content-Length: ").append(body.length).append("\r\n");
                }
                head.append("Connection: close\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
            }
            case 2 -> { // odd spellings of the length, none announcing more than is sent
                head.append("Content-Length: ").append(pick(new String[] {"+" + body.length, " " + body.length,
                        body.length + ", " + body.length, "-1", "abc", "0x" + Integer.toHexString(body.length)}))
                        .append("\r\nConnection: close\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
            }
            default -> {
                head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
                out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
            }
        }
        return new Request(method, out.toByteArray());
    }

    private String target() {
        String path = pick(pathTemplates);
        while (path.contains("{id}")) {
            path = path.replaceFirst("\\{id}", java.util.regex.Matcher.quoteReplacement(pick(IDS)));
        }
        return switch (random.nextInt(12)) {
            case 0 -> path + "?" + pick(new String[] {"limit", "from", "to", "statuses", "x"}) + "=" + pick(IDS);
            case 1 -> path + "/";
            case 2 -> path.replace("/", "//");
            case 3 -> path + "/" + "a".repeat(random.nextInt(10_000));
            case 4 -> path + "#frag";
            case 5 -> "http://localhost" + path;
            case 6 -> path.toUpperCase();
            case 7 -> path + "?partitions=" + pick(new String[] {",", "", "0,0", "-1", "0,", "99999", "1"})
                    + "&from=2026-11-25T10:00:00Z&to=" + pick(IDS);
            default -> path;
        };
    }

    private String version() {
        return random.nextInt(25) == 0 ? pick(new String[] {"HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTP/1.1", "http/1.1"})
                : "HTTP/1.1";
    }

    private String extraHeader() {
        return switch (random.nextInt(10)) {
            case 0 -> "X-Filler: " + "x".repeat(random.nextInt(40_000));
            case 1 -> "No-Colon-Header";
            case 2 -> " Leading-Space: x";
            case 3 -> "Idempotency-Key: k-" + random.nextInt(5) + "\r\nIdempotency-Key: k-" + random.nextInt(5);
            case 4 -> "X-Folded: a\r\n  b";
            case 5 -> "Bad Name: x";
            default -> pick(EXTRA_HEADERS) + ": " + pick(HEADER_VALUES);
        };
    }

    private byte[] body() {
        if (validBodies.isEmpty() || random.nextInt(6) == 0) {
            return randomBytes(random.nextInt(200));
        }
        String valid = pick(validBodies);
        return switch (random.nextInt(10)) {
            case 0 -> new byte[0];
            case 1 -> valid.substring(0, random.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8);
            case 2 -> flipBytes(valid.getBytes(StandardCharsets.UTF_8));
            case 3 -> valid.replaceFirst("\\d+", pick(new String[] {"-1", "0", "1e400", "99999999999999999999", "1.5",
                    "\"1\"", "null", "true", "[]", "{}", "NaN"})).getBytes(StandardCharsets.UTF_8);
            case 4 -> valid.replaceFirst("\"[A-Za-z]+\"", "\"" + pick(HEADER_VALUES) + "\"").getBytes(StandardCharsets.UTF_8);
            case 5 -> ("[".repeat(random.nextInt(3_000)) + valid).getBytes(StandardCharsets.UTF_8);
            case 6 -> valid.getBytes(StandardCharsets.UTF_16);
            case 7 -> (valid + valid).getBytes(StandardCharsets.UTF_8);
            default -> valid.getBytes(StandardCharsets.UTF_8);
        };
    }

    private byte[] flipBytes(byte[] bytes) {
        byte[] copy = bytes.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return Objects.requireNonNull(values.get(random.nextInt(values.size())));
    }
}
