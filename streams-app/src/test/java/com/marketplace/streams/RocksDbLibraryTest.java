package com.marketplace.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.harness.JavaCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

        assertThat(first.getFileName()).hasToString(RocksDbLibrary.LOADED_AS);
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
    void aFreshJvmLoadsRocksDbFromTheCopyAndOpensAStore() throws Exception {
        // a JVM of its own: the library loads once per JVM, and another test may have loaded it here
        Path stateDir = dir.resolve("state");
        Process probe = new ProcessBuilder(JavaCommand.mainClass(Probe.class.getName(),
                List.of("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"),
                stateDir.toString(), dir.resolve("db").toString()))
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = probe.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(probe.exitValue()).as(output).isZero();
        Path copy = RocksDbLibrary.extract(stateDir.resolve(RocksDbLibrary.DIRECTORY));
        assertThat(output).contains("mapped: " + copy.toRealPath()).contains("read: 2")
                .doesNotContain("could not load");
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
