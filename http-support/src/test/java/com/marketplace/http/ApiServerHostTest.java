package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code HTTP_HOST}: the server listens where it is told, or everywhere. */
class ApiServerHostTest {

    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void onLoopbackItIsNotReachedThroughAnotherAddressOfThisMachine() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        app = server();
        ApiServer.start(app, Optional.of("127.0.0.1"), 0);

        assertThat(accepts(InetAddress.getLoopbackAddress(), app.port())).isTrue();
        assertThat(accepts(other.get(), app.port())).as("reached through " + other.get()).isFalse();
    }

    @Test
    void withoutAHostItIsReachedThroughEveryAddress() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no address but loopback");
        app = server();
        ApiServer.start(app, Optional.empty(), 0);

        assertThat(accepts(InetAddress.getLoopbackAddress(), app.port())).isTrue();
        assertThat(accepts(other.get(), app.port())).as("reached through " + other.get()).isTrue();
    }

    private static Javalin server() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return ApiServer.with(new ApiJson(JsonMapper.builder().build()), registry)
                .readiness(() -> Readiness.up(Map.of()))
                .routes(routes -> { })
                .build();
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(ApiServerHostTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
