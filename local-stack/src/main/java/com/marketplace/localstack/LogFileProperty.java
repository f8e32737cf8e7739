package com.marketplace.localstack;

import ch.qos.logback.core.PropertyDefinerBase;
import com.marketplace.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The log file's path for {@code logback.xml}, read from {@code DATA_DIR} by the same rule as
 * {@link LocalStackOptions} (a blank value means the default, surrounding spaces are dropped), so the
 * file is where the console says it is. Logback's own {@code ${DATA_DIR:-data}} would take an empty
 * {@code DATA_DIR} as set and write {@code /local-stack.log}. Variables of the stack's own that it
 * refuses ({@link LocalStackOptions}: an invalid {@code DATA_DIR}, a port) give a temporary file,
 * deleted at exit, so that a start that ends with the line naming one writes nothing in the data
 * directory; the services' variables it passes through are checked later, with the file open. A
 * {@code DATA_DIR} no log file can be written in (a regular file, a directory without write
 * permission) gives a temporary file, deleted at exit: Logback would print its own stack trace for
 * the file it cannot open, before the stack's one line that names the directory and refuses to start.
 */
public final class LogFileProperty extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        return logFile(System.getenv());
    }

    static String logFile(Map<String, String> env) {
        Path dataDir;
        try {
            // every variable of the stack's own, not DATA_DIR alone: refused, the stack writes nothing in its directory
            dataDir = LocalStackOptions.parse(new String[0], env).dataDir();
        } catch (ConfigException e) {
            Path file = LocalStackOptions.logFile(LocalStackOptions.DEFAULT_DATA_DIR);
            return temporaryLogFile().orElse(file).toString();
        }
        Path file = LocalStackOptions.logFile(dataDir);
        return (canHoldFiles(dataDir) ? file : temporaryLogFile().orElse(file)).toString();
    }

    /** Whether {@code dir} is, or can be created as, a directory this process can write files in. */
    static boolean canHoldFiles(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
    }

    private static Optional<Path> temporaryLogFile() {
        try {
            Path file = Files.createTempFile("local-stack-", ".log");
            file.toFile().deleteOnExit();
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
