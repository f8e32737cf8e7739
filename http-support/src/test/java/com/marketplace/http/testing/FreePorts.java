package com.marketplace.http.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** The one free-port helper of the tests. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A port that was free a moment ago, for a server that must know its port before it starts
     * (a streams instance advertises it as {@code application.server}). Prefer port 0 otherwise.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
