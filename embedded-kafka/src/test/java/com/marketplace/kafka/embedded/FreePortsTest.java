package com.marketplace.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aChosenPortCanBeBoundOnLoopback() throws Exception {
        int port = FreePorts.next();

        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortChosenOnAllInterfacesCanBeBoundOnTheWildcardAddress() throws Exception {
        int port = FreePorts.nextOnAllInterfaces();

        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(port));
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void portsChosenTogetherAreDistinct() {
        int[] ports = FreePorts.distinct(20);

        assertThat(ports).hasSize(20).doesNotHaveDuplicates();
        assertThat(Arrays.stream(ports)).allMatch(port -> port > 0 && port <= 65535);
    }

    @Test
    void aPortPromisedElsewhereIsSkippedAndItsProbeHeldUntilTheEnd() throws Exception {
        // Given an operating system that offers the promised port first
        int promised = 40_001;
        Deque<Integer> offered = new ArrayDeque<>(List.of(promised, 40_002, 40_003));
        List<ProbeSocket> opened = new ArrayList<>();
        FreePorts.Probes probes = host -> {
            ProbeSocket probe = new ProbeSocket(offered.pop(), opened);
            opened.add(probe);
            return probe;
        };

        // Then it is not chosen, and no later probe could have been offered it again
        assertThat(FreePorts.pick(probes, null, 2, promised)).containsExactly(40_002, 40_003);
        assertThat(opened).hasSize(3).allMatch(ProbeSocket::isClosed);
        assertThat(opened.get(0).openWhenClosed).as("probes still open when the promised one closed").isEqualTo(3);
    }

    /** A probe that reports a given port and counts the probes open when it is closed. */
    private static final class ProbeSocket extends ServerSocket {

        private final int port;
        private final List<ProbeSocket> all;
        private boolean closed;
        private long openWhenClosed;

        ProbeSocket(int port, List<ProbeSocket> all) throws java.io.IOException {
            this.port = port;
            this.all = all;
        }

        @Override
        public int getLocalPort() {
            return port;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            openWhenClosed = all.stream().filter(p -> !p.closed).count();
            closed = true;
        }
    }

    @Test
    void atLeastOnePortIsAskedFor() {
        assertThatThrownBy(() -> FreePorts.distinct(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
