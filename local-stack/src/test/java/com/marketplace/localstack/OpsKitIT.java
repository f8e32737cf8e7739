package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marketplace.events.Topics;
import com.marketplace.localstack.DockerComposeIT.Component;
import com.marketplace.localstack.DockerComposeIT.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations kit against the real services: the gateway and the streams app run in-process
 * (the local stack: a real broker, H2 in MySQL mode) and take an order through the pipeline; then
 * every metric the Prometheus alert rules and the Grafana dashboard name must be exported by one of
 * them, and every health-check path of {@code docker-compose.yml} must answer 200 on its component.
 */
class OpsKitIT {

    private static final Path ALERTS = DockerComposeIT.REPOSITORY.resolve("ops/prometheus/alerts.yml");
    private static final Path DASHBOARD = DockerComposeIT.REPOSITORY.resolve("ops/grafana/dashboard.json");
    /** Series Prometheus makes itself rather than scraping them. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HEALTH_PATH = Pattern.compile("http://localhost:\\d+(/\\S*?)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void startAndPassAnOrderThrough() throws Exception {
        stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0)).start();
        String order = "{\"buyerId\":3,\"buyerEmail\":\"ops@example.com\",\"currency\":\"KRW\","
                + "\"items\":[{\"productId\":1,\"sellerId\":4,\"quantity\":1,\"unitPrice\":10.00}]}";
        HttpResponse<String> created = send("POST", stack.gatewayUrl() + "/api/v1/orders", order);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long orderId = new ObjectMapper().readTree(created.body()).get("orderId").asLong();
        assertThat(send("PUT", stack.gatewayUrl() + "/api/v1/orders/" + orderId + "/status", "{\"status\":\"PAID\"}")
                .statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                send("GET", stack.streamsUrl() + "/api/v1/orders/" + orderId + "/state", null).body().contains("\"PAID\""));
        deadLetterOneRecord();
    }

    /** A record the streams app cannot read: it goes to the DLQ, whose producer series then exist. */
    private static void deadLetterOneRecord() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, "1", "not an event")).get(30, TimeUnit.SECONDS);
        }
        // (a Kafka client's metrics that appear later become meters at the next look, KafkaClientMeters.REFRESH)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                send("GET", stack.streamsUrl() + "/metrics", null).body().lines().anyMatch(line ->
                        line.startsWith("kafka_producer_topic_record_send_total{")
                                && line.contains("topic=\"" + Topics.DLQ + "\"")));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyMetricOfTheAlertRulesIsExportedByARunningService() throws IOException {
        Set<String> named = new TreeSet<>();
        new YAMLMapper().readTree(ALERTS.toFile()).get("groups").forEach(group ->
                group.get("rules").forEach(rule -> named.addAll(metricNames(rule.get("expr").asText()))));
        assertThat(named).as("metrics named by the alert rules").hasSizeGreaterThan(10);
        assertExported(named);
    }

    @Test
    void everyMetricOfTheDashboardIsExportedByARunningService() throws IOException {
        Set<String> named = new TreeSet<>();
        collectExpressions(new ObjectMapper().readTree(DASHBOARD.toFile()), named);
        assertThat(named).as("metrics named by the dashboard").hasSizeGreaterThan(10);
        assertExported(named);
    }

    @Test
    void everyComposeHealthCheckPathAnswersOnItsComponent() throws Exception {
        for (Service service : DockerComposeIT.ourServices()) {
            Matcher path = HEALTH_PATH.matcher(service.node().get("healthcheck").get("test").toString());
            assertThat(path.find()).as(service.name()).isTrue();
            String base = service.component() == Component.GATEWAY ? stack.gatewayUrl() : stack.streamsUrl();
            assertThat(send("GET", base + path.group(1), null).statusCode()).as(service.name() + " " + path.group(1))
                    .isEqualTo(200);
        }
    }

    @Test
    void theMetricNameParserSeesMetricsNotFunctionsLabelsOrRanges() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{job=\"x\",s=~\"5..\"}[5m]))) > 5"
                + " or min by (instance) (b_threads) < 1")).containsExactlyInAnyOrder("a_seconds_bucket", "b_threads");
    }

    private static void assertExported(Set<String> named) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Set<String> exported = new TreeSet<>();
            exported.addAll(exportedNames(stack.gatewayUrl() + "/metrics"));
            exported.addAll(exportedNames(stack.streamsUrl() + "/metrics"));
            List<String> missing = named.stream()
                    .filter(name -> !exported.contains(name) && !PROMETHEUS_SERIES.contains(name)).toList();
            assertThat(missing).as("named but exported by neither service").isEmpty();
        });
    }

    /** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", "")
                .replaceAll("\\{[^}]*\\}", "")
                .replaceAll("\\[[^]]*\\]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String rest = bare.substring(m.end()).stripLeading();
            boolean function = rest.startsWith("(");
            boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !partOfNumber && !PROMQL_WORDS.contains(m.group().toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static void collectExpressions(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("expr")) {
                    names.addAll(metricNames(field.getValue().asText()));
                } else {
                    collectExpressions(field.getValue(), names);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectExpressions(child, names));
        }
    }

    private static Set<String> exportedNames(String url) throws Exception {
        HttpResponse<String> response = send("GET", url, null);
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    private static HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
