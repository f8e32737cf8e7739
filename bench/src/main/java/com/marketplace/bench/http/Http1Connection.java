package com.marketplace.bench.http;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One keep-alive HTTP/1.1 connection of the bench's load client, in the manner of wrk: a request
 * goes out in one socket write, its answer is read through one buffer, and only what the bench
 * needs is kept (the status and the {@code Location} header). Every answer is still read to its
 * end by its framing ({@code Content-Length}, chunked, or the close), so the connection stays in
 * step and a malformed answer fails the request instead of being skipped.
 *
 * <p>Why not {@code java.net.http.HttpClient}: on this 2-core machine the load client shares the
 * cores with the services it measures, and the JDK client spent about as much CPU per order as
 * the gateway did. This one spends a few microseconds beyond the system calls.
 *
 * <p>Not thread-safe: one connection per worker. After an I/O error, a {@code Connection: close}
 * answer or a long idle spell the next request opens a fresh connection; a request that failed
 * is never sent again (a POST is not idempotent).
 */
public final class Http1Connection implements Closeable {

    /** What the server answered: the status code and the {@code Location} header, or null. */
    public record Answer(int status, String location) {
    }

    /** Longer than this unused and the connection is replaced, well before a server's idle timeout. */
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private final byte[] requestHead;
    private byte[] request = new byte[1024];
    private final byte[] in = new byte[16 * 1024];
    private int pos;
    private int limit;
    private Socket socket;
    private InputStream input;
    private OutputStream output;
    private long lastUsedNanos;

    /** A connection for {@code POST}s of JSON to {@code target} (scheme http), each read waiting at most {@code timeout}. */
    public Http1Connection(URI target, Duration timeout) {
        if (!"http".equals(target.getScheme())) {
            throw new IllegalArgumentException("http only: " + target);
        }
        int port = target.getPort() == -1 ? 80 : target.getPort();
        this.address = new InetSocketAddress(target.getHost(), port);
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        this.requestHead = ("POST " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends {@code body} as a JSON {@code POST} and reads the whole answer.
     *
     * @throws IOException when the request could not be sent or no complete, well-formed answer came;
     *     the connection is closed and the next request opens a new one
     */
    public Answer post(byte[] body) throws IOException {
        try {
            connectIfNeeded();
            output.write(request, 0, fillRequest(body));
            Answer answer = readAnswer();
            lastUsedNanos = System.nanoTime();
            return answer;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket that already failed
            }
            socket = null;
        }
    }

    private void connectIfNeeded() throws IOException {
        if (socket != null && System.nanoTime() - lastUsedNanos > MAX_IDLE_NANOS) {
            close();
        }
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(address, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            socket = s;
            input = s.getInputStream();
            output = s.getOutputStream();
            pos = 0;
            limit = 0;
        }
    }

    private int fillRequest(byte[] body) {
        String length = Integer.toString(body.length);
        int size = requestHead.length + length.length() + CRLF_CRLF.length + body.length;
        if (request.length < size) {
            request = new byte[Math.max(size, request.length * 2)];
        }
        System.arraycopy(requestHead, 0, request, 0, requestHead.length);
        int at = requestHead.length;
        for (int i = 0; i < length.length(); i++) {
            request[at++] = (byte) length.charAt(i);
        }
        System.arraycopy(CRLF_CRLF, 0, request, at, CRLF_CRLF.length);
        at += CRLF_CRLF.length;
        System.arraycopy(body, 0, request, at, body.length);
        return at + body.length;
    }

    private Answer readAnswer() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        int status = parseStatus(statusLine);
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = statusLine.startsWith("HTTP/1.0");
        String location = null;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line: '" + header + "'");
            }
            String value = header.substring(colon + 1).trim();
            if (is(header, colon, "content-length")) {
                contentLength = parseLength(value);
            } else if (is(header, colon, "transfer-encoding")) {
                chunked = value.regionMatches(true, value.length() - 7, "chunked", 0, 7);
            } else if (is(header, colon, "location")) {
                location = value;
            } else if (is(header, colon, "connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        if (status / 100 == 1 || status == 204 || status == 304) {
            // no body by definition
        } else if (chunked) {
            skipChunks();
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else {
            skipToClose();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Answer(status, location);
    }

    private static int parseStatus(String statusLine) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("not an HTTP status line: '" + statusLine + "'");
            }
            status = status * 10 + (c - '0');
        }
        return status;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new IOException("negative Content-Length: " + value);
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("not a Content-Length: '" + value + "'", e);
        }
    }

    private static boolean is(String header, int colon, String name) {
        return colon == name.length() && header.regionMatches(true, 0, name, 0, colon);
    }

    private void skipChunks() throws IOException {
        while (true) {
            String sizeLine = line();
            int end = sizeLine.indexOf(';');
            String hex = (end < 0 ? sizeLine : sizeLine.substring(0, end)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("not a chunk size: '" + sizeLine + "'", e);
            }
            if (size == 0) {
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers are not used
                }
                return;
            }
            skip(size);
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            if (pos == limit) {
                fill();
            }
            int n = (int) Math.min(left, limit - pos);
            pos += n;
            left -= n;
        }
    }

    private void skipToClose() throws IOException {
        pos = limit;
        while (input.read(in) != -1) {
            // the body ends with the connection
        }
    }

    /** The next line without its CRLF (a bare LF is accepted too). */
    private String line() throws IOException {
        int start = pos;
        while (true) {
            for (int i = start; i < limit; i++) {
                if (in[i] == '\n') {
                    int end = i > pos && in[i - 1] == '\r' ? i - 1 : i;
                    String text = new String(in, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return text;
                }
            }
            if (pos > 0) {
                System.arraycopy(in, pos, in, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (limit == in.length) {
                throw new IOException("line longer than " + in.length + " bytes");
            }
            start = limit;
            int n = input.read(in, limit, in.length - limit);
            if (n == -1) {
                throw new EOFException("connection closed mid-answer");
            }
            limit += n;
        }
    }

    private void fill() throws IOException {
        int n = input.read(in, 0, in.length);
        if (n == -1) {
            throw new EOFException("connection closed mid-answer");
        }
        pos = 0;
        limit = n;
    }

    @Override
    public String toString() {
        return "Http1Connection[" + address + (socket == null ? ", closed]" : ", open]");
    }
}
