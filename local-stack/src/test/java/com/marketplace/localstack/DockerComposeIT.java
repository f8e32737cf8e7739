package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.streams.config.StreamsAppConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docker-compose.yml} and the Dockerfiles without a Docker engine: every variable set
 * for a service of ours is read by that component, the ones that must name another container do,
 * published ports and health checks match the configured HTTP ports, and each Dockerfile copies
 * the runnable jar the build writes. An IT because the jars exist only after {@code package}.
 * The health-check paths themselves are requested from running services by {@link OpsKitIT}.
 */
class DockerComposeIT {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** Variables the JVM itself reads, allowed for every Java service. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern ENTRYPOINT_JAR = Pattern.compile(
            "(?m)^ENTRYPOINT\\s+\\[\"java\",((?:\\s*\"[^\"]+\",)*)\\s*\"-jar\",\\s*\"([^\"]+)\"\\]");
    private static final Pattern ARCHIVE_DUMP = Pattern.compile(
            "(?m)^RUN java -Xshare:dump -XX:SharedClassListFile=(\\S+) -XX:SharedArchiveFile=(\\S+) \\\\\n.* -cp (\\S+)$");
    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");
    /** Compose's {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${NAME:?error}}. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{(\\w+)(?::?([-?])([^}]*))?}");

    /** One of our runnable modules, as a compose service builds it. */
    enum Component {
        GATEWAY("order-gateway", "com.marketplace.gateway.Main"),
        STREAMS("streams-app", "com.marketplace.streams.Main");

        final String module;
        final String mainClass;

        Component(String module, String mainClass) {
            this.module = module;
            this.mainClass = mainClass;
        }

        /** The configuration the component builds from this environment (its record; equal when equivalent). */
        Object config(Map<String, String> env) {
            return this == GATEWAY ? GatewayConfig.fromEnv(env) : StreamsAppConfig.fromEnv(env);
        }

        int httpPort(Map<String, String> env) {
            return this == GATEWAY ? GatewayConfig.fromEnv(env).httpPort() : StreamsAppConfig.fromEnv(env).httpPort();
        }

        /** The least grace before a kill that operations.md gives a stop of the component configured so. */
        Duration stopGrace(Map<String, String> env) {
            if (this == GATEWAY) {
                GatewayConfig config = GatewayConfig.fromEnv(env);
                return Duration.ofSeconds(18).plus(config.outboxLease()).plus(config.shutdownDelay());
            }
            return Duration.ofSeconds(50).plus(StreamsAppConfig.fromEnv(env).shutdownDelay());
        }
    }

    /** A compose service built from one of our modules. */
    record Service(String name, Component component, Map<String, String> env, JsonNode node) {
    }

    @Test
    void everyVariableSetForAServiceIsReadByItsComponent() throws IOException {
        List<String> unread = new ArrayList<>();
        for (Service service : ourServices()) {
            service.env().forEach((name, value) -> {
                if (!JVM_VARIABLES.contains(name) && !isRead(service.component(), name, value)) {
                    unread.add(service.name() + ": " + name);
                }
            });
        }
        assertThat(unread).as("variables no component reads").isEmpty();
    }

    @Test
    void gatewayReachesTheDatabaseAndBrokerOfTheComposeFile() throws IOException {
        JsonNode services = compose().get("services");
        Map<String, String> mysql = environment(services.get("mysql"));
        for (Service service : ourServices(Component.GATEWAY)) {
            GatewayConfig config = GatewayConfig.fromEnv(service.env());
            URI db = URI.create(config.dbUrl().substring("jdbc:".length()));
            assertThat(services.has(db.getHost())).as("%s: DB_URL host %s is a service", service.name(), db.getHost()).isTrue();
            assertThat(db.getPath()).isEqualTo("/" + mysql.get("MYSQL_DATABASE"));
            assertThat(config.dbUser()).isEqualTo(mysql.get("MYSQL_USER"));
            assertThat(config.dbPassword()).isEqualTo(mysql.get("MYSQL_PASSWORD"));
            assertBrokersAreAdvertised(service.name(), config.kafkaBootstrapServers());
            assertDependsOnHealthy(service, "mysql", "kafka");
        }
    }

    @Test
    void streamsInstancesAdvertiseThemselvesKeepStateOnAVolumeAndHaveStandbys() throws IOException {
        List<Service> instances = ourServices(Component.STREAMS);
        List<String> advertised = new ArrayList<>();
        for (Service service : instances) {
            StreamsAppConfig config = StreamsAppConfig.fromEnv(service.env());
            assertThat(config.applicationServer()).as(service.name() + ": APPLICATION_SERVER")
                    .isEqualTo(service.name() + ":" + config.httpPort());
            advertised.add(config.applicationServer());
            assertThat(volumeTargets(service.node())).as(service.name() + ": STATE_DIR on a volume")
                    .contains(config.stateDir().toString());
            assertBrokersAreAdvertised(service.name(), config.bootstrapServers());
            if (instances.size() > 1) {
                assertThat(config.numStandbyReplicas()).as(service.name() + ": NUM_STANDBY_REPLICAS").isPositive();
            }
            assertDependsOnHealthy(service, "kafka");
        }
        assertThat(advertised).doesNotHaveDuplicates();
    }

    @Test
    void publishedPortsAndHealthChecksUseTheConfiguredHttpPort() throws IOException {
        for (Service service : ourServices()) {
            int port = service.component().httpPort(service.env());
            List<String> ports = new ArrayList<>();
            service.node().get("ports").forEach(p -> ports.add(p.asText()));
            assertThat(ports).as(service.name()).singleElement()
                    .satisfies(p -> assertThat(p).endsWith(":" + port));
            Matcher health = HEALTH_URL.matcher(service.node().get("healthcheck").get("test").toString());
            assertThat(health.find()).as(service.name() + " has an HTTP health check").isTrue();
            assertThat(Integer.parseInt(health.group(1))).isEqualTo(port);
            assertThat(health.group(2)).startsWith("/health/");
        }
    }

    @Test
    void servicesThatExitOnAFailureAreRestarted() throws IOException {
        // a gateway whose relay failed, or a streams instance whose client died, exits with code 1
        for (Service service : ourServices()) {
            assertThat(service.node().path("restart").asText()).as(service.name() + ": restart")
                    .isEqualTo("on-failure");
        }
    }

    @Test
    void servicesAreGivenTheGraceTheirStopTakes() throws IOException {
        // Docker kills a service 10 s after its stop signal unless stop_grace_period says otherwise
        for (Service service : ourServices()) {
            JsonNode grace = service.node().path("stop_grace_period");
            assertThat(grace.isTextual()).as(service.name() + ": stop_grace_period").isTrue();
            assertThat(Duration.parse("PT" + grace.asText().toUpperCase(Locale.ROOT))).as(service.name())
                    .isGreaterThanOrEqualTo(service.component().stopGrace(service.env()));
        }
    }

    @Test
    void dockerfilesCopyAndRunTheJarTheBuildWrites() throws IOException {
        for (Service service : ourServices()) {
            Path context = REPOSITORY.resolve(service.node().get("build").asText()).normalize();
            String dockerfile = Files.readString(context.resolve("Dockerfile"), StandardCharsets.UTF_8);
            Matcher copy = COPY.matcher(dockerfile);
            assertThat(copy.find()).as(context + "/Dockerfile copies the jar").isTrue();
            String jar = "target/" + service.component().module + ".jar";
            assertThat(copy.group(1)).isEqualTo(jar);
            String jarInImage = copy.group(2);
            Matcher entrypoint = ENTRYPOINT_JAR.matcher(dockerfile);
            assertThat(entrypoint.find()).as(context + "/Dockerfile runs java -jar").isTrue();
            assertThat(entrypoint.group(2)).isEqualTo(jarInImage);

            // the class list of the module goes into the image, which makes the jar's archive from it and runs with it
            assertThat(copy.find()).as(context + "/Dockerfile copies the class list").isTrue();
            String classList = "src/main/cds/" + service.component().module + ".classlist";
            assertThat(copy.group(1)).isEqualTo(classList);
            assertThat(context.resolve(classList)).isRegularFile();
            Matcher dump = ARCHIVE_DUMP.matcher(dockerfile);
            assertThat(dump.find()).as(context + "/Dockerfile makes the class-data archive").isTrue();
            assertThat(dump.group(1)).isEqualTo(copy.group(2));
            assertThat(dump.group(3)).isEqualTo(jarInImage);
            assertThat(entrypoint.group(1)).contains("\"-XX:SharedArchiveFile=" + dump.group(2) + "\"");
            try (JarFile built = new JarFile(context.resolve(jar).toFile())) {
                assertThat(built.getManifest().getMainAttributes().getValue("Main-Class"))
                        .isEqualTo(service.component().mainClass);
            }
        }
    }

    @Test
    void everyServiceOfOursIsBuiltFromAModule() throws IOException {
        assertThat(ourServices(Component.GATEWAY)).hasSize(1);
        assertThat(ourServices(Component.STREAMS)).hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * Whether the component reads the variable: setting it to the compose value, or to another
     * value, gives a configuration other than the defaults or is refused with a message naming it.
     */
    static boolean isRead(Component component, String name, String value) {
        Object defaults = component.config(Map.of());
        for (String probe : List.of(value, value + "1", "x")) {
            try {
                if (!component.config(Map.of(name, probe)).equals(defaults)) {
                    return true;
                }
            } catch (RuntimeException refused) {
                if (String.valueOf(refused.getMessage()).contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void assertBrokersAreAdvertised(String service, String bootstrapServers) throws IOException {
        String advertised = environment(compose().get("services").get("kafka")).get("KAFKA_ADVERTISED_LISTENERS");
        for (String server : bootstrapServers.split(",")) {
            assertThat(advertised).as(service + ": KAFKA_BOOTSTRAP_SERVERS " + server + " is advertised")
                    .contains("//" + server.trim());
        }
    }

    private static void assertDependsOnHealthy(Service service, String... dependencies) {
        for (String dependency : dependencies) {
            assertThat(service.node().path("depends_on").path(dependency).path("condition").asText())
                    .as(service.name() + " waits for " + dependency).isEqualTo("service_healthy");
        }
    }

    private static List<String> volumeTargets(JsonNode service) {
        List<String> targets = new ArrayList<>();
        service.path("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            targets.add(parts[1]);
        });
        return targets;
    }

    static JsonNode compose() throws IOException {
        return new YAMLMapper().readTree(REPOSITORY.resolve("docker-compose.yml").toFile());
    }

    static List<Service> ourServices() throws IOException {
        List<Service> services = new ArrayList<>();
        compose().get("services").fields().forEachRemaining(entry -> {
            String build = entry.getValue().path("build").asText("");
            for (Component component : Component.values()) {
                if (Path.of(build).normalize().equals(Path.of(component.module))) {
                    services.add(new Service(entry.getKey(), component, environment(entry.getValue()), entry.getValue()));
                }
            }
        });
        return services;
    }

    static List<Service> ourServices(Component component) throws IOException {
        return ourServices().stream().filter(s -> s.component() == component).toList();
    }

    @Test
    void monitoringScrapesEveryServiceOfOursAndMountsTheOpsKit() throws IOException {
        JsonNode services = compose().get("services");
        JsonNode prometheus = services.get("prometheus");
        JsonNode grafana = services.get("grafana");
        assertThat(prometheus).as("a prometheus service").isNotNull();
        assertThat(grafana).as("a grafana service").isNotNull();
        for (JsonNode monitoring : List.of(prometheus, grafana)) {
            assertThat(monitoring.path("profiles").toString()).as("started only with --profile monitoring")
                    .contains("\"monitoring\"");
            monitoring.path("volumes").forEach(v -> assertThat(REPOSITORY.resolve(v.asText().split(":")[0]))
                    .as("mounted from the repository: " + v.asText()).exists());
        }
        assertThat(volumeTargets(prometheus)).contains("/etc/prometheus");
        JsonNode scrape = new YAMLMapper().readTree(REPOSITORY.resolve("ops/prometheus/prometheus.yml").toFile());
        assertThat(REPOSITORY.resolve("ops/prometheus").resolve(scrape.get("rule_files").get(0).asText())).exists();
        List<String> targets = new ArrayList<>();
        scrape.get("scrape_configs").forEach(job -> job.path("static_configs")
                .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText()))));
        List<String> expected = new ArrayList<>();
        for (Service service : ourServices()) {
            expected.add(service.name() + ":" + service.component().httpPort(service.env()));
        }
        assertThat(targets).as("Prometheus scrapes each service of ours on its HTTP port").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(volumeTargets(grafana)).contains("/etc/grafana/provisioning");
        JsonNode provider = new YAMLMapper().readTree(
                REPOSITORY.resolve("ops/grafana/provisioning/dashboards/marketplace.yml").toFile());
        String dashboards = provider.get("providers").get(0).get("options").get("path").asText();
        assertThat(volumeTargets(grafana)).anySatisfy(target -> assertThat(target).startsWith(dashboards + "/"));
    }

    @Test
    void bothStreamsInstancesShareOneValidInstanceSecretThatTheEnvironmentMayReplace() throws IOException {
        List<Service> instances = ourServices(Component.STREAMS);
        List<String> raw = new ArrayList<>();
        for (Service service : instances) {
            raw.add(service.node().get("environment").get("INSTANCE_SECRET").asText());
            // a plain `docker compose up` starts: the default passes the variable's rule
            assertThat(StreamsAppConfig.fromEnv(service.env()).instanceSecret()).as(service.name()).isPresent();
        }
        assertThat(raw).as("one secret, or no forwarded query is accepted").containsOnly(raw.get(0));
        assertThat(raw.get(0)).as("set from the environment when it is set").startsWith("${INSTANCE_SECRET:-");
        assertThat(interpolate("${INSTANCE_SECRET:?set it}")).isEqualTo("sample-instance_secret-value");
        assertThat(interpolate("${ADMIN_TOKEN:-}")).isEmpty();
        assertThat(interpolate("a${X:-b}c")).isEqualTo("abc");
    }

    /**
     * A service's environment (map form), values as strings, interpolated as compose does when the
     * user sets each required variable ({@code ${NAME:?…}}) to a sample value and leaves the others unset.
     */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
        return env;
    }

    static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = "?".equals(m.group(2)) ? "sample-" + m.group(1).toLowerCase(Locale.ROOT) + "-value"
                    : m.group(3) == null ? "" : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

}
