package com.marketplace.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

class RocksDbLibraryTest {

    private static final String LIBRARY = Environment.getJniLibraryFileName("rocksdb");

    @TempDir
    Path dir;

    @Test
    void theLibraryIsCopiedOnceUnderItsChecksumAndTheCopyIsReused() throws IOException {
        Path first = RocksDbLibrary.extract(dir);

        assertThat(first.getFileName()).hasToString(RocksDbLibrary.loadedAs());
        assertThat(first.getParent().getFileName().toString()).matches("[0-9a-f]{8}");
        assertThat(first).hasBinaryContent(libraryInJar());
        Object inode = Files.readAttributes(first, BasicFileAttributes.class).fileKey();

        Path second = RocksDbLibrary.extract(dir);

        assertThat(second).isEqualTo(first);
        assertThat(Files.readAttributes(second, BasicFileAttributes.class).fileKey()).as("not rewritten").isEqualTo(inode);
        assertThat(filesUnder(dir)).as("no partial copies left").containsExactly(first);
    }

    @Test
    void aCopyCutShortIsReplaced() throws IOException {
        Path target = RocksDbLibrary.extract(dir);
        Files.write(target, new byte[] {1, 2, 3});

        Path again = RocksDbLibrary.extract(dir);

        assertThat(again).isEqualTo(target).hasBinaryContent(libraryInJar());
        assertThat(filesUnder(dir)).containsExactly(target);
    }

    @Test
    void aPartialCopyLeftByAKilledProcessIsDeletedAndOneInProgressIsNot() throws IOException {
        Path target = RocksDbLibrary.extract(dir);
        Files.delete(target);
        Path stale = Files.writeString(target.resolveSibling("killed-while-copying.partial"), "x");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        Path inProgress = Files.writeString(target.resolveSibling("copying-now.partial"), "x");

        RocksDbLibrary.extract(dir);

        assertThat(target).hasBinaryContent(libraryInJar());
        assertThat(stale).doesNotExist();
        assertThat(inProgress).exists();
    }

    @Test
    @EnabledOnOs(OS.LINUX) // reads /proc/self/maps
    void aFreshJvmLoadsRocksDbFromTheCopyUnderARelativeStateDirAndOpensAStore() throws Exception {
        // a JVM of its own: the library loads once per JVM, and another test may have loaded it here;
        // STATE_DIR may be relative (its default is), and System.load takes only absolute paths
        Path stateDir = dir.resolve("state");
        Path relativeStateDir = Path.of("").toAbsolutePath().relativize(stateDir);
        Path output = dir.resolve("probe.log");
        try (ManagedProcess probe = ManagedProcess.start("rocksdb-probe", JavaCommand.mainClass(Probe.class.getName(),
                List.of("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"),
                relativeStateDir.toString(), dir.resolve("db").toString()), Map.of(), output)) {
            assertThat(probe.awaitExit(Duration.ofSeconds(60))).as("probe exited").isTrue();
            String printed = Files.readString(output);

            assertThat(probe.exitValue()).as(printed).isZero();
            Path copy = RocksDbLibrary.extract(stateDir.resolve(RocksDbLibrary.DIRECTORY));
            assertThat(printed).contains("mapped: " + copy.toRealPath()).contains("read: 2")
                    .doesNotContain("could not load");
        }
    }

    /** Loads the library as {@link Main} does, opens a store, and prints where the library was mapped from. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            RocksDbLibrary.load(Path.of(args[0]));
            try (Options options = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(options, args[1])) {
                db.put(new byte[] {1}, new byte[] {2});
                System.out.println("read: " + db.get(new byte[] {1})[0]);
            }
            try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
                maps.filter(line -> line.contains("rocksdbjni")).map(line -> line.substring(line.indexOf('/')))
                        .distinct().forEach(library -> System.out.println("mapped: " + library));
            }
        }
    }

    private static byte[] libraryInJar() throws IOException {
        try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            assertThat(in).as(LIBRARY + " on the class path").isNotNull();
            return in.readAllBytes();
        }
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
