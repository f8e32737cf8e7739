package com.marketplace.streams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * directory. And it does so when the first task opens its first store, on the stream thread, in the
 * middle of a restart. Here the library is copied once per library build into
 * {@code <STATE_DIR>/rocksdb-native/<crc32>/} (named by the jar entry's checksum, so a new RocksDB
 * build gets its own copy and two builds never mix) and loaded from there on a thread of its own,
 * begun before the app is built ({@link Main}). The copy is written under a temporary name and
 * moved into place, so instances sharing a state directory never load a half-written file.
 *
 * <p>Nothing depends on it: if the copy cannot be made or loaded (a read-only or {@code noexec}
 * state directory, a jar without the library for this platform), it says so once and RocksDB loads
 * its library the usual way when Kafka Streams first needs it.
 */
final class RocksDbLibrary {

    static final String DIRECTORY = "rocksdb-native";

    /** The library's name in the jar, e.g. {@code librocksdbjni-linux64.so}. */
    private static final String IN_JAR = Environment.getJniLibraryFileName("rocksdb");
    /**
     * The name {@link RocksDB#loadLibrary(List)} loads from each directory it is given: it builds
     * it from "rocksdbjni" rather than "rocksdb", so the name carries "jni" twice (e.g.
     * {@code librocksdbjnijni-linux64.so}). Built the same way here; if a RocksDB release changes
     * it, loading the copy fails and {@link #load} falls back, which {@code RocksDbLibraryTest}
     * catches.
     */
    static final String LOADED_AS = Environment.getJniLibraryFileName("rocksdbjni");

    private static final Logger log = LoggerFactory.getLogger(RocksDbLibrary.class);

    private RocksDbLibrary() {
    }

    /** Loads the library under {@code stateDir} on a daemon thread; returns at once. */
    static void preload(Path stateDir) {
        Thread thread = new Thread(() -> load(stateDir), "rocksdb-library");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Loads the library from its copy under {@code stateDir}, making the copy when it is missing;
     * falls back to RocksDB's own loading when that fails.
     */
    static void load(Path stateDir) {
        try {
            Path library = extract(stateDir.resolve(DIRECTORY));
            RocksDB.loadLibrary(List.of(library.getParent().toString()));
            log.debug("RocksDB native library loaded from {}", library);
        } catch (IOException | UncheckedIOException | UnsatisfiedLinkError | IllegalStateException e) {
            log.warn("could not load RocksDB's native library from a copy under {} ({}); RocksDB extracts it to {}"
                    + " instead", stateDir.toAbsolutePath(), e.getMessage(), System.getProperty("java.io.tmpdir"));
            RocksDB.loadLibrary();
        }
    }

    /**
     * The library for this platform copied from the jar into {@code <root>/<crc32 of the entry>/},
     * under the file name {@link RocksDB#loadLibrary(List)} looks for. An existing copy of the
     * right size is used as it is.
     *
     * @throws IllegalStateException when the class path holds no library for this platform
     */
    static Path extract(Path root) throws IOException {
        URL resource = RocksDB.class.getClassLoader().getResource(IN_JAR);
        if (resource == null) {
            throw new IllegalStateException("no " + IN_JAR + " on the class path");
        }
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false);
        long size = connection.getContentLengthLong();
        Path target = root.resolve(versionOf(connection, size)).resolve(LOADED_AS);
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), IN_JAR, ".partial");
        try {
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            move(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
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
