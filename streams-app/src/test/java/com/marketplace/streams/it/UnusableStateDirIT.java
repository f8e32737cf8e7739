package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams app as a process, given a {@code STATE_DIR} it cannot make (a path through a regular
 * file, which even root cannot make a directory of): one line naming the variable, exit code 2, and
 * nothing asked of the broker, where the topic check would have created the pipeline's topics.
 */
class UnusableStateDirIT {

    @TempDir
    Path work;

    @Test
    void aStateDirThatCannotBeMadeEndsTheStartWithExitCode2BeforeAnyTopicIsCreated() throws Exception {
        Path file = Files.writeString(work.resolve("not-a-directory"), "a file");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            Map<String, String> env = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "STATE_DIR", file.resolve("state").toString(),
                    "HTTP_PORT", Integer.toString(FreePorts.nextOnAllInterfaces()));
            try (ManagedProcess app = ManagedProcess.start("streams-app", JavaCommand.mainClass(Main.class.getName(),
                    List.of("-Xmx256m")), env, work.resolve("streams-app.log"))) {
                assertThat(app.awaitExit(Duration.ofSeconds(60))).as("ended").isTrue();
                assertThat(app.exitValue()).isEqualTo(2);
            }
            assertThat(Files.readString(work.resolve("streams-app.log"))).contains(
                    "invalid configuration: STATE_DIR must be a directory this instance can create and write in");
            try (Admin admin = Admin.create(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("topics on the broker").isEmpty();
            }
        }
    }
}
