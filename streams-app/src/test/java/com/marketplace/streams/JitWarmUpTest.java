package com.marketplace.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JitWarmUpTest {

    @TempDir
    Path stateDir;

    private StreamsAppConfig config(int events) {
        return StreamsAppConfig.defaults().withKafka("localhost:9092", stateDir).withJitWarmUpEvents(events);
    }

    @Test
    void syntheticOrdersGoThroughTheWholeTopologyAndLeaveNothingBehind() {
        // Given a warm-up of 2,000 events
        JitWarmUp warmUp = JitWarmUp.begin(config(2_000), RocksDbLibrary.preload(stateDir), () -> false);

        // When it is done
        await().atMost(Duration.ofSeconds(60)).until(warmUp::done);

        // Then every event went in, reached the outputs of a first-seen event, and none was dead-lettered
        assertThat(warmUp.piped()).isEqualTo(2_000);
        Map<String, Long> written = warmUp.written();
        assertThat(written.getOrDefault(Topics.DLQ, 0L)).isZero();
        // every tenth event piped is followed by a second copy of it (not after the last): 199 copies
        assertThat(written.get(Topics.EMAIL)).as("one email per first-seen event").isEqualTo(1_801L);
        assertThat(written.get(Topics.ANALYTICS)).isEqualTo(written.get(Topics.EMAIL));
        assertThat(written.get(Topics.NOTIFICATION)).isGreaterThan(written.get(Topics.EMAIL));
        assertThat(written.keySet()).as("the stores' changelogs were written too")
                .anyMatch(topic -> topic.endsWith("dedupe-store-changelog"))
                .anyMatch(topic -> topic.endsWith("seller-stats-store-changelog"));
        // and its state directory is gone, the instance's own state untouched
        assertThat(warmUpDirectories()).isEmpty();
        assertThat(stateDir.resolve(StreamsAppConfig.defaults().applicationId())).doesNotExist();
    }

    @Test
    void noEventsMeansNoWarmUp() {
        RocksDbLibrary library = RocksDbLibrary.preload(stateDir);
        JitWarmUp warmUp = JitWarmUp.begin(config(0), library, () -> false);

        assertThat(warmUp.done()).isTrue();
        assertThat(warmUp.piped()).isZero();
        // the library's copy into the state directory goes on without the warm-up: let it end before
        // the directory is deleted
        library.await();
    }

    @Test
    void aStoppedWarmUpEndsEarly() {
        JitWarmUp warmUp = JitWarmUp.begin(config(StreamsAppConfig.MAX_JIT_WARMUP_EVENTS), RocksDbLibrary.preload(stateDir), () -> false);
        await().atMost(Duration.ofSeconds(60)).until(() -> warmUp.piped() > 100);

        warmUp.stop();

        // the stop returns once the warm-up has ended and deleted its directory
        assertThat(warmUp.done()).isTrue();
        assertThat(warmUp.overtaken()).isFalse();
        assertThat(warmUp.piped()).isLessThan(StreamsAppConfig.MAX_JIT_WARMUP_EVENTS);
        assertThat(warmUpDirectories()).isEmpty();
    }

    @Test
    void realEventsEndTheWarmUp() {
        AtomicBoolean real = new AtomicBoolean();
        JitWarmUp warmUp = JitWarmUp.begin(config(StreamsAppConfig.MAX_JIT_WARMUP_EVENTS), RocksDbLibrary.preload(stateDir),
                real::get);
        await().atMost(Duration.ofSeconds(60)).until(() -> warmUp.piped() > 100);

        real.set(true);

        await().atMost(Duration.ofSeconds(10)).until(warmUp::done);
        assertThat(warmUp.overtaken()).as("ended by the real events, not by its time bound").isTrue();
        assertThat(warmUp.piped()).isLessThan(StreamsAppConfig.MAX_JIT_WARMUP_EVENTS);
        assertThat(warmUpDirectories()).isEmpty();
    }

    @Test
    void aDirectoryLeftByAProcessThatDiedIsDeletedAndARecentOneKept() throws IOException {
        Path warmUps = stateDir.resolve(JitWarmUp.DIRECTORY);
        Path stale = Files.createDirectories(warmUps.resolve(JitWarmUp.DIRECTORY_PREFIX + "1/jit-warm-up/0_0"));
        Path staleRoot = warmUps.resolve(JitWarmUp.DIRECTORY_PREFIX + "1");
        Files.setLastModifiedTime(staleRoot, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path recent = Files.createDirectories(warmUps.resolve(JitWarmUp.DIRECTORY_PREFIX + "2"));
        // the instance's own state, under an application id that looks like a warm-up's, long unchanged
        Path own = Files.createDirectories(stateDir.resolve("jit-warm-up-prod/0_0"));
        Path ownRoot = stateDir.resolve("jit-warm-up-prod");
        Files.setLastModifiedTime(ownRoot, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        JitWarmUp warmUp = JitWarmUp.begin(config(10), RocksDbLibrary.preload(stateDir), () -> false);
        await().atMost(Duration.ofSeconds(60)).until(warmUp::done);

        assertThat(stale).doesNotExist();
        assertThat(staleRoot).doesNotExist();
        assertThat(warmUpDirectories()).containsExactly(recent);
        assertThat(own).isDirectory();
    }

    private List<Path> warmUpDirectories() {
        Path warmUps = stateDir.resolve(JitWarmUp.DIRECTORY);
        if (!Files.isDirectory(warmUps)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(warmUps)) {
            return entries.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
