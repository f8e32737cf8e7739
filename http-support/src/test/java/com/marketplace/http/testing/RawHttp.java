package com.marketplace.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.1 client on a plain socket, for requests no well-behaved client library sends: broken
 * framing, bodies cut short, invalid bytes in the request line or headers. One request per
 * connection; the answer is read until its framing says it is complete or the server closes.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * An answer as read off the wire; {@code status} 0 when the server closed the connection
     * without answering.
     */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        public static final Answer CLOSED = new Answer(0, Map.of(), "");

        public boolean closedWithoutAnswer() {
            return status == 0;
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }
    }

    /** A request head of {@code \n}-separated lines (sent with CRLF, blank line added) followed by {@code body}. */
    public static byte[] request(String head, byte[] body) {
        byte[] headBytes = (head.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** Sends {@code bytes} and reads one answer, waiting at most {@code timeout} for each read. */
    public static Answer exchange(int port, byte[] bytes, Duration timeout) {
        return exchange(port, bytes, false, timeout);
    }

    /**
     * Sends {@code bytes}, half-closes the connection when {@code closeOutput} (the client stops
     * sending, as one that goes away mid-body), and reads one answer.
     *
     * @throws UncheckedIOException when no complete answer and no close came within {@code timeout}
     */
    public static Answer exchange(int port, byte[] bytes, boolean closeOutput, Duration timeout) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                if (closeOutput) {
                    socket.shutdownOutput();
                }
            } catch (SocketException serverClosedFirst) {
                // the server may answer and close before reading everything; read what it sent
            }
            return read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new UncheckedIOException("no answer within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code bytes} on {@code socket}, a connection kept open across requests, and reads one
     * answer from it; the connection stays open unless the server closes it.
     */
    public static Answer send(Socket socket, byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return read(socket.getInputStream());
    }

    /**
     * Sends the request head at once, then {@code body} one byte every {@code every} (a client that
     * keeps the connection busy without ever finishing), and reads one answer, which may come while
     * the body is still trickling in.
     *
     * @throws UncheckedIOException when no complete answer and no close came within {@code timeout}
     */
    public static Answer trickle(int port, String head, byte[] body, Duration every, Duration timeout) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request(head, new byte[0]));
            out.flush();
            Thread dripper = new Thread(() -> {
                try {
                    for (byte b : body) {
                        Thread.sleep(every.toMillis());
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException | InterruptedException answeredOrClosed) {
                    // the server answered and closed, or the answer was read
                }
            }, "raw-http-trickle");
            dripper.setDaemon(true);
            dripper.start();
            try {
                return read(socket.getInputStream());
            } finally {
                dripper.interrupt();
            }
        } catch (SocketTimeoutException e) {
            throw new UncheckedIOException("no answer within " + timeout, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine;
        try {
            statusLine = completeLine(in);
        } catch (SocketException reset) {
            return Answer.CLOSED;
        }
        if (statusLine == null || statusLine.isEmpty()) {
            // nothing, or a status line cut off by the close: the connection ended without an answer
            return Answer.CLOSED;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new IllegalStateException("not an HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String header;
        while ((header = line(in)) != null && !header.isEmpty()) {
            int colon = header.indexOf(':');
            headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(header.substring(colon + 1).trim());
        }
        return new Answer(status, headers, new String(body(in, headers), StandardCharsets.UTF_8));
    }

    private static byte[] body(InputStream in, Map<String, List<String>> headers) throws IOException {
        List<String> length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.get(0)));
        }
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int size;
            while ((size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0) {
                out.write(in.readNBytes(size));
                line(in);
            }
            return out.toByteArray();
        }
        try {
            return in.readAllBytes();
        } catch (SocketException reset) {
            return new byte[0];
        }
    }

    /** One CRLF-terminated line, or null when the stream ends before its line feed. */
    private static String completeLine(InputStream in) throws IOException {
        return line(in, false);
    }

    /** One CRLF-terminated line, the unterminated rest at the end of the stream, or null when nothing is left. */
    private static String line(InputStream in) throws IOException {
        return line(in, true);
    }

    private static String line(InputStream in, boolean unterminatedRest) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = out.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            out.write(b);
        }
        return unterminatedRest && out.size() > 0 ? out.toString(StandardCharsets.ISO_8859_1) : null;
    }
}
