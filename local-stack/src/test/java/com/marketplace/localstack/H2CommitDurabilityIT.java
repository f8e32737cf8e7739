package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit the local stack's database has confirmed survives the process being killed: the relay
 * publishes an order's events once its transaction has committed, so a commit lost afterwards would
 * leave events of an order that does not exist (and its id free to be given again).
 */
class H2CommitDurabilityIT {

    private static final int ROWS = 200;

    @TempDir
    Path dataDir;

    @Test
    void commitsConfirmedBeforeAKillAreThereAfterIt() throws Exception {
        String url = new LocalStackOptions(dataDir, 0, 0, 0, 0).dbUrl();
        Process writer = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                StandardCharsets.UTF_8))) {
            // Given a process that has committed rows one transaction at a time and said so
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("committed " + ROWS));
            assertThat(line).as("the writer's last line").isEqualTo("committed " + ROWS);

            // When it is killed at once (SIGKILL: no shutdown hook, no close)
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            writer.destroyForcibly();
        }

        // Then every confirmed commit is in the database
        try (Connection db = DriverManager.getConnection(url, "sa", "");
                Statement count = db.createStatement();
                ResultSet rows = count.executeQuery("SELECT COUNT(*) FROM written")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(ROWS);
        }
    }

    /**
     * Writes {@value #ROWS} rows to the database at {@code args[0]}, one commit each, then waits to be
     * killed: on its standard input, which the test never writes to.
     */
    public static final class Writer {

        public static void main(String[] args) throws Exception {
            try (Connection db = DriverManager.getConnection(args[0], "sa", "")) {
                db.setAutoCommit(false);
                try (Statement create = db.createStatement()) {
                    create.execute("CREATE TABLE written (id INT PRIMARY KEY)");
                }
                db.commit();
                for (int i = 1; i <= ROWS; i++) {
                    try (Statement insert = db.createStatement()) {
                        insert.executeUpdate("INSERT INTO written VALUES (" + i + ")");
                    }
                    db.commit();
                }
                System.out.println("committed " + ROWS);
                System.out.flush();
                System.in.read();
            }
        }
    }
}
