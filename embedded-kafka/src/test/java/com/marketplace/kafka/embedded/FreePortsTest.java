package com.marketplace.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
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
    void aPortInUseIsNotChosen() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int taken = busy.getLocalPort();

            assertThat(FreePorts.next()).isNotEqualTo(taken);
            assertThat(Arrays.stream(FreePorts.distinct(10))).doesNotContain(taken);
        }
    }

    @Test
    void atLeastOnePortIsAskedFor() {
        assertThatThrownBy(() -> FreePorts.distinct(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
