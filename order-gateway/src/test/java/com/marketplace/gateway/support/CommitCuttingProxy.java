package com.marketplace.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of a MySQL-protocol database that breaks a connection at its next
 * {@code COMMIT}: before the statement reaches the database (the transaction is rolled back when the
 * database sees the connection close), or after the database has answered it, dropping the answer
 * (the transaction is applied, and the client cannot know). Optionally every other connection goes
 * with it and new ones are refused until {@link #restore()}, as when the network to the database
 * fails for a while. It reads the client's packets whole (header and payload), which needs the
 * protocol without TLS and compression.
 */
public final class CommitCuttingProxy implements AutoCloseable {

    /** Where the next {@code COMMIT}'s connection is broken. */
    public enum Cut {
        /** the statement is not sent on: the database never sees it */
        BEFORE_COMMIT,
        /** the statement is sent on and the database's answer dropped */
        AFTER_ANSWER
    }

    private static final Pattern URL =
            Pattern.compile("^(jdbc:(?:mysql|mariadb)://)([^/:?,]+)(?::(\\d+))?(/[^?]*)?(\\?.*)?$");
    private static final byte COM_QUERY = 3;
    /** A {@code COMMIT} packet's payload, query attributes included, is never longer. */
    private static final int MAX_COMMIT_PACKET = 16;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final String jdbcUrl;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "commit-cutting-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Cut> next = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile boolean severAll;
    private volatile boolean refusing;

    private CommitCuttingProxy(String databaseUrl) throws IOException {
        Matcher url = URL.matcher(databaseUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("not a jdbc:mysql: or jdbc:mariadb: URL of one host: " + databaseUrl);
        }
        int port = url.group(3) == null ? 3306 : Integer.parseInt(url.group(3));
        this.target = new InetSocketAddress(url.group(2), port);
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        String query = url.group(5) == null ? "?" : url.group(5) + "&";
        String database = url.group(4) == null ? "/" : url.group(4);
        String plain = (url.group(1).contains("mysql") ? "sslMode=DISABLED&" : "") + "useCompression=false";
        this.jdbcUrl = url.group(1) + "127.0.0.1:" + listener.getLocalPort() + database + query + plain;
        threads.execute(this::accept);
    }

    /** A proxy to the database of {@code databaseUrl}, a {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL of one host. */
    public static CommitCuttingProxy to(String databaseUrl) throws IOException {
        return new CommitCuttingProxy(databaseUrl);
    }

    /** The database's URL through this proxy. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * Breaks the connection of the next {@code COMMIT} as {@code how} says; with {@code thenEveryConnection}
     * every other connection is closed at the same moment and new ones are refused until {@link #restore()}.
     */
    public void cutNextCommit(Cut how, boolean thenEveryConnection) {
        severAll = thenEveryConnection;
        next.set(how);
    }

    /** Accepts connections again after a cut that took every connection. */
    public void restore() {
        synchronized (open) {
            refusing = false;
            severAll = false;
        }
    }

    /** How many connections were broken at a {@code COMMIT} so far. */
    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Socket server = new Socket();
            try {
                // each packet is passed on as it comes: without this, a packet sent in two writes waits for the
                // first one's delayed acknowledgement (some 40 ms a round trip)
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, 5_000);
                synchronized (open) { // a cut that takes every connection takes this one or refuses it
                    if (refusing) {
                        throw new IOException("refusing connections");
                    }
                    open.add(client);
                    open.add(server);
                }
                Connection connection = new Connection(client, server);
                threads.execute(connection::clientToServer);
                threads.execute(connection::serverToClient);
            } catch (IOException e) {
                // refused, or the database did not answer: the client sees its connection end
                closeQuietly(client);
                closeQuietly(server);
            }
        }
    }

    private void cut(Connection connection) {
        cuts.incrementAndGet();
        if (severAll) {
            synchronized (open) {
                refusing = true;
                open.forEach(CommitCuttingProxy::closeQuietly);
            }
        } else {
            connection.close();
        }
    }

    private final class Connection {

        private final Socket client;
        private final Socket server;
        private volatile boolean dropAnswer;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void clientToServer() {
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                while (true) {
                    byte[] header = in.readNBytes(4);
                    if (header.length < 4) {
                        return;
                    }
                    int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                    byte[] payload = in.readNBytes(length);
                    if (payload.length < length) {
                        return;
                    }
                    if (isCommit(payload)) {
                        if (next.compareAndSet(Cut.BEFORE_COMMIT, null)) {
                            cut(this);
                            return;
                        }
                        if (next.compareAndSet(Cut.AFTER_ANSWER, null)) {
                            dropAnswer = true;
                        }
                    }
                    byte[] packet = Arrays.copyOf(header, header.length + payload.length);
                    System.arraycopy(payload, 0, packet, header.length, payload.length);
                    out.write(packet); // one write, one segment where it fits
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                close();
            }
        }

        void serverToClient() {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (dropAnswer) {
                        cut(this); // the database has answered the COMMIT: it is applied
                        return;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                close();
            }
        }

        /**
         * A text query ending in {@code COMMIT}: MySQL Connector/J puts its query attributes (two
         * counts) before the text when the server takes them, so only the end is compared.
         */
        private boolean isCommit(byte[] payload) {
            return payload.length > 1 && payload.length <= MAX_COMMIT_PACKET && payload[0] == COM_QUERY
                    && new String(payload, 1, payload.length - 1, StandardCharsets.ISO_8859_1).strip()
                            .toUpperCase(Locale.ROOT).endsWith("COMMIT");
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (open) {
            refusing = true;
            open.forEach(CommitCuttingProxy::closeQuietly);
        }
        threads.shutdownNow();
    }
}
