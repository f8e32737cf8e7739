package com.marketplace.streams;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library ahead of Kafka Streams, from a copy kept under the state
 * directory.
 *
 * <p>Left to itself, RocksDB copies its library (about 15 MB) out of the jar into
 * {@code java.io.tmpdir} on every start, under a new name, and relies on {@code deleteOnExit}: a
 * process that is killed leaves its copy behind, so a crash-looping instance fills its temporary
 * directory. And it does so when the first store is opened, in the middle of a start (on the main
 * thread when there is local state, on the stream thread otherwise). Here the library is copied once
 * per library build into {@code <STATE_DIR>/rocksdb-native/<crc32>/} (named by the jar entry's
 * checksum, so a new RocksDB build gets its own copy and two builds never mix) and loaded from there
 * on a thread of its own, begun before the app is built ({@link Main}) and awaited before Kafka
 * Streams starts. The copy is written under a temporary name and moved into place, so instances
 * sharing a state directory never load a half-written file.
 *
 * <p>If the copy cannot be made or loaded (a {@code noexec} state directory, a jar without the
 * library for this platform), it says so in one WARN and RocksDB loads its library the usual way,
 * on the same thread; if that fails too, the start fails.
 */
final class RocksDbLibrary {

    static final String DIRECTORY = "rocksdb-native";
    private static final String PARTIAL = ".partial";
    /** A copy in progress older than this was left by a process that died while copying. */
    private static final Duration STALE_PARTIAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(RocksDbLibrary.class);

    private final StartupWork loading;

    private RocksDbLibrary(StartupWork loading) {
        this.loading = loading;
    }

    /** Begins loading the library from its copy under {@code stateDir}, on a daemon thread. */
    static RocksDbLibrary preload(Path stateDir) {
        // made here, not on the loading thread: Kafka Streams, built meanwhile, fails when the
        // directory appears between its own exists() and mkdirs()
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            log.debug("could not create {} ahead ({}); Kafka Streams reports it", stateDir, e.getMessage());
        }
        return new RocksDbLibrary(StartupWork.begin("rocksdb-library", () -> load(stateDir)));
    }

    /**
     * Waits for the load.
     *
     * @throws IllegalStateException when RocksDB's library could not be loaded in either way
     */
    void await() {
        loading.await();
    }

    /**
     * Loads the library from its copy under {@code stateDir}, making the copy when it is missing;
     * falls back to RocksDB's own loading when that fails.
     *
     * @throws IllegalStateException when the fallback fails too
     */
    static void load(Path stateDir) {
        // System.load takes absolute paths only, and STATE_DIR may be relative
        Path root = stateDir.toAbsolutePath().normalize().resolve(DIRECTORY);
        try {
            Path library = extract(root);
            RocksDB.loadLibrary(List.of(library.getParent().toString()));
            log.debug("RocksDB native library ready (copy {})", library);
        } catch (IOException | RuntimeException | LinkageError e) {
            log.warn("could not load RocksDB's native library from a copy under {} ({}); RocksDB extracts it to {}"
                    + " instead", root, e.getMessage(), System.getProperty("java.io.tmpdir"));
            try {
                RocksDB.loadLibrary();
            } catch (RuntimeException | LinkageError fallback) {
                throw new IllegalStateException("RocksDB's native library could not be loaded: " + fallback, fallback);
            }
        }
    }

    /**
     * The file name {@link RocksDB#loadLibrary(List)} loads from each directory it is given: it
     * builds it from "rocksdbjni" rather than "rocksdb", so the name carries "jni" twice (e.g.
     * {@code librocksdbjnijni-linux64.so}, where the jar holds {@code librocksdbjni-linux64.so}).
     * Built the same way here; if a RocksDB release changes it, loading the copy fails and
     * {@link #load} falls back, which {@code RocksDbLibraryTest} catches. A method, not a constant:
     * RocksDB's {@link Environment} runs {@code ldd} when it is first used, which belongs on the
     * loading thread.
     */
    static String loadedAs() {
        return Environment.getJniLibraryFileName("rocksdbjni");
    }

    /**
     * The library for this platform copied from the jar into {@code <root>/<crc32 of the entry>/},
     * under the file name {@link #loadedAs()}. An existing copy of the right size is used as it is.
     *
     * @throws IllegalStateException when the class path holds no library for this platform
     */
    static Path extract(Path root) throws IOException {
        String inJar = Environment.getJniLibraryFileName("rocksdb");
        URL resource = RocksDB.class.getClassLoader().getResource(inJar);
        if (resource == null) {
            throw new IllegalStateException("no " + inJar + " on the class path");
        }
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        // opened in any case, so that closing it closes the jar (or file) the connection opened
        try (InputStream in = connection.getInputStream()) {
            long size = connection.getContentLengthLong();
            Path target = root.resolve(versionOf(connection, size)).resolve(loadedAs());
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(target.getParent());
            deleteStalePartials(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), inJar, PARTIAL);
            try {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                move(partial, target);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        }
    }

    /**
     * Copies left behind by processes killed while copying; a copy in progress elsewhere is younger.
     * Best effort: a file that another process moves or owns meanwhile is left alone.
     */
    private static void deleteStalePartials(Path dir) {
        FileTime staleBefore = FileTime.from(Instant.now().minus(STALE_PARTIAL));
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(dir, "*" + PARTIAL)) {
            for (Path partial : partials) {
                try {
                    if (Files.getLastModifiedTime(partial).compareTo(staleBefore) < 0) {
                        Files.deleteIfExists(partial);
                    }
                } catch (IOException e) {
                    log.debug("left {} in place: {}", partial, e.getMessage());
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            log.debug("could not look for stale copies in {}: {}", dir, e.getMessage());
        }
    }

    /** The jar entry's CRC-32, or the size where the library does not come from a jar (an IDE run). */
    private static String versionOf(URLConnection connection, long size) throws IOException {
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry.getCrc() != -1) {
                return String.format(Locale.ROOT, "%08x", entry.getCrc());
            }
        }
        return "size-" + size;
    }

    private static void move(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
