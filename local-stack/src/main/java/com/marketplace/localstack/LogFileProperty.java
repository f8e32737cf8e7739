package com.marketplace.localstack;

import ch.qos.logback.core.PropertyDefinerBase;
import com.marketplace.config.ConfigException;
import java.util.Map;

/**
 * The log file's path for {@code logback.xml}, read from {@code DATA_DIR} by the same rule as
 * {@link LocalStackOptions} (a blank value means the default, surrounding spaces are dropped), so the
 * file is where the console says it is. Logback's own {@code ${DATA_DIR:-data}} would take an empty
 * {@code DATA_DIR} as set and write {@code /local-stack.log}. An invalid {@code DATA_DIR} gives the
 * default here; the stack then refuses to start, naming the variable.
 */
public final class LogFileProperty extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        return logFile(System.getenv());
    }

    static String logFile(Map<String, String> env) {
        try {
            return LocalStackOptions.logFile(LocalStackOptions.dataDir(env)).toString();
        } catch (ConfigException e) {
            return LocalStackOptions.logFile(LocalStackOptions.DEFAULT_DATA_DIR).toString();
        }
    }
}
