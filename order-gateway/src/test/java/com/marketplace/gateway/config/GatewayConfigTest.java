package com.marketplace.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.marketplace.config.ConfigException;
import com.marketplace.gateway.outbox.OutboxPublisher;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void emptyEnvironmentGivesTheDocumentedDefaults() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of());

        assertThat(config.httpPort()).isEqualTo(7070);
        assertThat(config.dbUrl()).isEqualTo("jdbc:mysql://localhost:3306/marketplace");
        assertThat(config.dbUser()).isEqualTo("root");
        assertThat(config.dbPassword()).isEmpty();
        assertThat(config.dbPoolSize()).isEqualTo(20);
        assertThat(config.kafkaBootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.relayEnabled()).isTrue();
        assertThat(config.outboxPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.outboxBatchSize()).isEqualTo(500);
        assertThat(config.outboxMaxAttempts()).isEqualTo(10);
        assertThat(config.outboxRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.outboxLease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.outboxWakeOnCommit()).isTrue();
        assertThat(config.topicPartitions()).isEqualTo(3);
        assertThat(config.topicReplicationFactor()).isEqualTo(1);
        assertThat(config.adminToken()).isEmpty();
        assertThat(config.shutdownDelay()).isZero();
        assertThat(config.idempotencyKeyRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void everyVariableIsRead() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.ofEntries(
                Map.entry("HTTP_PORT", "8080"),
                Map.entry("DB_URL", "jdbc:h2:mem:x;MODE=MySQL"),
                Map.entry("DB_USER", "app"),
                Map.entry("DB_PASSWORD", "secret"),
                Map.entry("DB_POOL_SIZE", "32"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9093"),
                Map.entry("RELAY_ENABLED", "FALSE"),
                Map.entry("OUTBOX_POLL_INTERVAL", "PT0.25S"),
                Map.entry("OUTBOX_BATCH_SIZE", "50"),
                Map.entry("OUTBOX_MAX_ATTEMPTS", "3"),
                Map.entry("OUTBOX_RETENTION", "P1D"),
                Map.entry("OUTBOX_LEASE", "PT20S"),
                Map.entry("OUTBOX_WAKE_ON_COMMIT", "false"),
                Map.entry("TOPIC_PARTITIONS", "6"),
                Map.entry("TOPIC_REPLICATION_FACTOR", "3"),
                Map.entry("ADMIN_TOKEN", "0123456789abcdef"),
                Map.entry("HTTP_HOST", "127.0.0.1"),
                Map.entry("SHUTDOWN_DELAY", "PT5S"),
                Map.entry("IDEMPOTENCY_KEY_RETENTION", "PT36H")));

        assertThat(config).isEqualTo(new GatewayConfig(8080, "jdbc:h2:mem:x;MODE=MySQL", "app", "secret", 32,
                "k1:9092,k2:9093", false, Duration.ofMillis(250), 50, 3, Duration.ofDays(1),
                Duration.ofSeconds(20), false, 6, 3,
                Optional.of("0123456789abcdef"), Optional.of("127.0.0.1"), Duration.ofSeconds(5),
                Duration.ofHours(36)));
        assertThat(config.toString()).doesNotContain("secret", "0123456789abcdef");
        assertThat(OutboxPublisher.producerProperties(config.kafkaClientProperties()))
                .containsEntry("bootstrap.servers", "k1:9092,k2:9093")
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "LOG_LEVEL|INFOO",
            "HTTP_PORT|abc",
            "HTTP_PORT|70000",
            "HTTP_PORT|-1",
            "DB_URL|mysql://nohost",
            "DB_POOL_SIZE|0",
            "DB_POOL_SIZE|501",
            "DB_POOL_SIZE|ten",
            "KAFKA_BOOTSTRAP_SERVERS|localhost",
            "KAFKA_BOOTSTRAP_SERVERS|a:1,,b:2",
            "RELAY_ENABLED|yes",
            "OUTBOX_POLL_INTERVAL|1s",
            "OUTBOX_POLL_INTERVAL|PT0S",
            "OUTBOX_POLL_INTERVAL|-PT1S",
            "OUTBOX_BATCH_SIZE|0",
            "OUTBOX_BATCH_SIZE|1.5",
            "OUTBOX_MAX_ATTEMPTS|0",
            "OUTBOX_RETENTION|7 days",
            "OUTBOX_RETENTION|P999999999999D",
            "OUTBOX_RETENTION|PT0.5S",
            "OUTBOX_POLL_INTERVAL|P999999999999D",
            "OUTBOX_POLL_INTERVAL|PT2H",
            "OUTBOX_LEASE|PT0.5S",
            "OUTBOX_LEASE|PT2H",
            "OUTBOX_LEASE|10s",
            "OUTBOX_WAKE_ON_COMMIT|no",
            "TOPIC_PARTITIONS|0",
            "TOPIC_REPLICATION_FACTOR|40000",
            "ADMIN_TOKEN|short",
            "HTTP_HOST|127.0.0.1:7070",
            "HTTP_HOST|http://localhost",
            "HTTP_HOST|a b",
            "HTTP_HOST|203.0.113.7",
            "SHUTDOWN_DELAY|-PT1S",
            "SHUTDOWN_DELAY|PT61S",
            "SHUTDOWN_DELAY|5s",
            "IDEMPOTENCY_KEY_RETENTION|PT59S",
            "IDEMPOTENCY_KEY_RETENTION|P99999D",
            "IDEMPOTENCY_KEY_RETENTION|1d",
            "ADMIN_TOKEN|geheimes-Passwört-123",
            "ADMIN_TOKEN|sixteen chars and a space",
    })
    void badValueIsRejectedWithOneLineNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> GatewayConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    assertThat(((ConfigException) e).variable()).isEqualTo(variable);
                    assertThat(e.getMessage()).contains(variable).doesNotContain("\n");
                });
    }

    @Test
    void blankValuesMeanDefaults() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("HTTP_PORT", " ", "ADMIN_TOKEN", ""));

        assertThat(config.httpPort()).isEqualTo(7070);
        assertThat(config.adminToken()).isEmpty();
    }

    @Test
    void constructorValidatesToo() {
        assertThatThrownBy(() -> new GatewayConfig(7070, "jdbc:h2:mem:x", "sa", "", 10, "localhost:9092", true,
                Duration.ofSeconds(1), 0, 10, Duration.ofDays(7), Duration.ofSeconds(10), true, 3, 1, Optional.empty(),
                Optional.empty(), Duration.ZERO, Duration.ofDays(7)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("OUTBOX_BATCH_SIZE");
    }

    @Test
    void aPasswordInTheDatabaseUrlIsNotShownWhereTheConfigurationIsLogged() {
        Map<String, String> urls = Map.of(
                "jdbc:mariadb://db:3306/orders?user=app&password=s3cret&useSsl=true",
                "jdbc:mariadb://db:3306/orders?user=app&password=***&useSsl=true",
                "jdbc:mysql://app:s3cret@db/orders", "jdbc:mysql://app:***@db/orders",
                "jdbc:h2:file:./data/orders;MODE=MySQL;PASSWORD=s3cret", "jdbc:h2:file:./data/orders;MODE=MySQL;PASSWORD=***",
                "jdbc:mariadb://db/orders?trustStorePassword=s3cret", "jdbc:mariadb://db/orders?trustStorePassword=***",
                "jdbc:mariadb://db:3306/orders?useSsl=true", "jdbc:mariadb://db:3306/orders?useSsl=true",
                "jdbc:mysql://(host=db,port=3306,user=app,password=s3cret)/orders",
                "jdbc:mysql://(host=db,port=3306,user=app,password=***)/orders",
                "jdbc:mysql://address=(host=db)(password=s3cret)/orders", "jdbc:mysql://address=(host=db)(password=***)/orders",
                "jdbc:mysql://app:s3cret@h1,app:s3cret@h2/orders", "jdbc:mysql://app:***@h1,app:***@h2/orders",
                "jdbc:sqlserver://db;password={s3cret;x}", "jdbc:sqlserver://db;password=***",
                "jdbc:mariadb://db:3306?user=x&email=a@b.c", "jdbc:mariadb://db:3306?user=x&email=a@b.c");
        assertShownAs(urls, "s3cret");
    }

    @Test
    void aPasswordHoldingAnotherFormsSeparatorsIsNotShownInPart() {
        // MySQL's and MariaDB's drivers end a query-string value at '&' only, and take a password in the
        // address up to its '@': a ';', ',' or parenthesis in either is part of the password
        Map<String, String> urls = Map.of(
                "jdbc:mysql://db/orders?password=s3;cr3t&useSsl=true",
                "jdbc:mysql://db/orders?password=***&useSsl=true",
                "jdbc:mariadb://db/orders?user=x&password=s3,c)r(3t", "jdbc:mariadb://db/orders?user=x&password=***",
                "jdbc:mysql://app:s3;cr3t@db/orders", "jdbc:mysql://app:***@db/orders",
                "jdbc:mysql://(host=db,password=s3;cr3t)/orders", "jdbc:mysql://(host=db,password=***)/orders",
                // in other drivers' URLs a ';' begins a property: the address holds no password there
                "jdbc:sqlserver://db:1433;user=sa;password=s3@cr3t", "jdbc:sqlserver://db:1433;user=sa;password=***",
                "jdbc:sqlserver://db:1433;email=a@b.c;pwd=cr3t", "jdbc:sqlserver://db:1433;email=a@b.c;pwd=***");
        assertShownAs(urls, "cr3t");
        assertShownAs(urls, "r(3t");
    }

    /**
     * Each URL (key) is shown as its value where the configuration is logged and in a start-up failure's
     * line, and {@code secret} is in none of them.
     */
    private static void assertShownAs(Map<String, String> urls, String secret) {
        urls.forEach((url, shown) -> {
            GatewayConfig config = GatewayConfig.fromEnv(Map.of("DB_URL", url));

            assertThat(GatewayConfig.redactedUrl(url)).isEqualTo(shown);
            assertThat(config.toString()).contains("dbUrl=" + shown).doesNotContain(secret);
            assertThat(config.redacted("jdbcUrl=" + url)).isEqualTo("jdbcUrl=" + shown);
        });
    }

    @Test
    void aSecretAfterAQuestionMarkInAnotherPropertysValueIsNotShown() {
        assertThat(GatewayConfig.redactedUrl("jdbc:mariadb://db/orders?a=b?password=s3cret"))
                .isEqualTo("jdbc:mariadb://db/orders?a=b?password=***");
    }

    @Test
    void aLongDatabaseUrlIsShownRedactedAtOnce() {
        // property names that each hold a secret's word: a pattern that backtracks over them takes
        // minutes for these 40,000 characters (the bound below is a hang's, not a speed target)
        String url = "jdbc:mysql://db/x" + "?pass".repeat(8_000) + "&password=s3cret";

        String shown = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> GatewayConfig.redactedUrl(url));

        assertThat(shown).endsWith("&password=***").doesNotContain("s3cret");
    }

    @Test
    void aStartUpFailureLineLosesEverySecretOfTheConfiguration() {
        GatewayConfig config = GatewayConfig.fromEnv(Map.of(
                "DB_URL", "jdbc:mysql://app:s3cret-1@db/orders?trustStorePassword=s3cret-2",
                "DB_PASSWORD", "s3cret-3", "ADMIN_TOKEN", "s3cret-4-0123456789abcdef"));
        String line = "Failed to get driver instance for jdbcUrl=" + config.dbUrl()
                + "; Access denied (using password: s3cret-3); token s3cret-4-0123456789abcdef";

        assertThat(config.redacted(line))
                .isEqualTo("Failed to get driver instance for jdbcUrl="
                        + "jdbc:mysql://app:***@db/orders?trustStorePassword=***"
                        + "; Access denied (using password: ***); token ***");
        // an empty password takes nothing out
        assertThat(GatewayConfig.fromEnv(Map.of("DB_PASSWORD", "")).redacted("a line")).isEqualTo("a line");
    }
}
