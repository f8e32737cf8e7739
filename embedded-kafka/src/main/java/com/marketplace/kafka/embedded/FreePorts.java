package com.marketplace.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports for servers that must be told their port before they start: a Kafka listener
 * written into the broker's configuration, a streams instance that advertises its port as
 * {@code application.server}, a child process (MariaDB, a broker, a service jar) given its port on
 * the command line or in its environment. The project's one copy of this code.
 *
 * <p>A port is found by binding a socket to port 0, reading the port the operating system chose and
 * closing the socket again. <b>This is inherently racy:</b> the port was free when it was chosen, but
 * between closing the probe socket and the real server binding it, anything else on the machine may
 * take it: another test JVM or build doing the same, or the operating system itself, which hands out
 * ports from the same ephemeral range for outgoing connections. Nothing here can prevent that; callers
 * make it unlikely and visible:
 * <ul>
 *   <li>If the server can bind port 0 itself and report the port it got (the gateway's and the
 *       streams app's HTTP servers can, see their {@code port()}), let it, and do not use this
 *       class at all: that has no race.</li>
 *   <li>Otherwise bind soon after choosing, and take "address already in use" at start-up for what
 *       it is: a lost race, not a bug of the server. Starting again with a freshly chosen port is
 *       the remedy; waiting for the port is not.</li>
 *   <li>When several ports are needed at once, take them with {@link #distinct(int)}: asking
 *       {@link #next()} repeatedly can return the same port twice, since each probe socket is closed
 *       before the next one is opened.</li>
 * </ul>
 *
 * <p>Ports are probed on {@code 127.0.0.1}, where the brokers and the other test servers listen,
 * unless a method says otherwise ({@link #nextOnAllInterfaces()} for servers that bind all
 * interfaces). On Linux a listener on the wildcard address also blocks the port on 127.0.0.1, so a
 * loopback probe avoids both.
 */
public final class FreePorts {

    private static final InetAddress LOOPBACK = ipv4Loopback();

    /** Opens a probe socket on a port the operating system chooses; the tests' seam. */
    @FunctionalInterface
    interface Probes {
        ServerSocket open(InetAddress host) throws IOException;
    }

    private static final Probes OPERATING_SYSTEM = host -> new ServerSocket(0, 1, host);

    private FreePorts() {
    }

    /**
     * @return a port on 127.0.0.1 that nothing listened on a moment ago (see the class comment for
     *         the race this leaves)
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int next() {
        return pick(OPERATING_SYSTEM, LOOPBACK, 1, 0)[0];
    }

    /**
     * A port free on every local address, for a server that binds the wildcard address (Javalin's
     * default): a port free on 127.0.0.1 may still be taken on another interface.
     *
     * @return a port that nothing listened on, on any interface, a moment ago
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int nextOnAllInterfaces() {
        return pick(OPERATING_SYSTEM, null, 1, 0)[0];
    }

    /**
     * A port on 127.0.0.1 other than {@code taken}, for a server's second port when its first one is
     * fixed but not bound yet (a broker's controller port next to a configured client port).
     *
     * @param taken a port already promised to something else; 0 for none
     * @return a port on 127.0.0.1 that nothing listened on a moment ago and that is not {@code taken}
     * @throws UncheckedIOException if no socket can be bound
     */
    public static int nextOtherThan(int taken) {
        return pick(OPERATING_SYSTEM, LOOPBACK, 1, taken)[0];
    }

    /**
     * {@code count} different ports on 127.0.0.1, chosen together: every probe socket stays open until
     * all are chosen, so the operating system cannot return one port twice.
     *
     * @param count how many ports, at least 1
     * @return {@code count} distinct ports that nothing listened on a moment ago
     * @throws IllegalArgumentException if {@code count} is below 1
     * @throws UncheckedIOException     if not enough sockets can be bound
     */
    public static int[] distinct(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Need at least one port: " + count);
        }
        return pick(OPERATING_SYSTEM, LOOPBACK, count, 0);
    }

    /**
     * Binds probe sockets on {@code host} (null: the wildcard address) until {@code count} of them have
     * a port other than {@code taken}, then closes them all. At most one probe is wasted on
     * {@code taken}: it stays open, so the operating system does not offer that port again.
     */
    static int[] pick(Probes opener, InetAddress host, int count, int taken) {
        List<ServerSocket> probes = new ArrayList<>(count + 1);
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket probe = opener.open(host);
                probes.add(probe);
                int port = probe.getLocalPort();
                if (port != taken) {
                    ports[found++] = port;
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + (host == null ? "any interface" : host.getHostAddress()), e);
        } finally {
            probes.forEach(FreePorts::closeQuietly);
        }
    }

    private static void closeQuietly(ServerSocket probe) {
        try {
            probe.close();
        } catch (IOException e) {
            // a probe that never accepted a connection: nothing to lose
        }
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for an address of the wrong length
        }
    }
}
