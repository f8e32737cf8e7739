package com.marketplace.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The small files an instance keeps beside its local state ({@link StateLayout}, {@link RunningMarker}). */
final class LocalFiles {

    private LocalFiles() {
    }

    /**
     * Makes {@code file} hold {@code content}: written beside it and moved over it, so that a crash or
     * a failed write (a full disk) leaves the file as it was or with the new content, never a part of
     * it, and never an empty file where there was none.
     */
    static void replace(Path file, String content) {
        try {
            if (Files.exists(file) && Files.readString(file).equals(content)) {
                return;
            }
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
