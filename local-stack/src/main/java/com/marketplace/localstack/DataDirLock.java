package com.marketplace.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local stack's hold on its data directory: an operating-system lock on {@code DATA_DIR/.lock},
 * taken before the broker, the database or the streams state in the directory is opened. A second
 * stack on the same directory would otherwise open the running broker's metadata log (the broker's
 * own directory lock is taken only after its controller has read and written that log) and the H2
 * database before failing. The lock ends with the process however it ends, so a stack killed with
 * {@code kill -9} leaves nothing stale.
 *
 * <p>The operating system's lock belongs to the process, and closing any descriptor of the file
 * releases it; so a second stack in the same JVM is refused by a set of the directories held here,
 * before it opens the file at all.
 */
final class DataDirLock implements AutoCloseable {

    static final String FILE_NAME = ".lock";

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;

    private DataDirLock(Path directory, FileChannel channel) {
        this.directory = directory;
        this.channel = channel;
    }

    /**
     * @throws IllegalStateException when another stack (in this process or another) holds the directory
     * @throws UncheckedIOException  when the directory or its lock file cannot be created
     */
    static DataDirLock acquire(Path dataDir) {
        Path directory;
        try {
            Files.createDirectories(dataDir);
            directory = dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir.toAbsolutePath() + ": "
                    + reason(e), e);
        }
        if (!HELD_HERE.add(directory)) {
            throw heldElsewhere(dataDir);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return new DataDirLock(directory, channel);
            }
        } catch (IOException e) {
            release(directory, channel);
            throw new UncheckedIOException("cannot lock the data directory " + dataDir.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        release(directory, channel);
        throw heldElsewhere(dataDir);
    }

    /**
     * Why a directory could not be made, in words: the file system's exceptions name only the path for
     * the commonest causes.
     */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file that is not a directory is in the way (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Releases the directory. */
    @Override
    public void close() {
        release(directory, channel);
    }

    private static IllegalStateException heldElsewhere(Path dataDir) {
        return new IllegalStateException("another local stack is running on the data directory "
                + dataDir.toAbsolutePath() + ": stop it, or give this one another DATA_DIR (and other ports)");
    }

    private static void release(Path directory, FileChannel channel) {
        try {
            if (channel != null) {
                channel.close(); // releases the operating system's lock
            }
        } catch (IOException e) {
            // nothing is left to do with a descriptor that fails to close
        } finally {
            HELD_HERE.remove(directory);
        }
    }
}
