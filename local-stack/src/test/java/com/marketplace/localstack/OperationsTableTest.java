package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.localstack.DockerComposeIT.Component;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The environment-variable table of {@code docs/operations.md} against the code: every row names a
 * variable its component reads, and every variable the gateway declares has a row.
 */
class OperationsTableTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| (order-gateway|streams-app|local-stack) \\| `([A-Z_]+)` \\| ([^|]+) \\|");

    record Row(String component, String variable, String defaultValue) {
    }

    @Test
    void everyRowNamesAVariableItsComponentReads() throws IOException {
        List<String> unread = new ArrayList<>();
        for (Row row : rows()) {
            boolean read = switch (row.component()) {
                case "order-gateway" -> row.variable().equals("LOG_LEVEL")
                        ? logbackReads("order-gateway", row.variable())
                        : DockerComposeIT.isRead(Component.GATEWAY, row.variable(), "1");
                case "streams-app" -> row.variable().equals("LOG_LEVEL")
                        ? logbackReads("streams-app", row.variable())
                        : DockerComposeIT.isRead(Component.STREAMS, row.variable(), "1");
                default -> localStackReads(row.variable());
            };
            if (!read) {
                unread.add(row.component() + " " + row.variable());
            }
        }
        assertThat(unread).isEmpty();
    }

    @Test
    void everyVariableTheGatewayDeclaresHasARow() throws Exception {
        List<String> documented = rows().stream().filter(r -> r.component().equals("order-gateway"))
                .map(Row::variable).toList();
        for (Field field : GatewayConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().equals(field.get(null))) {
                assertThat(documented).as("docs/operations.md row for " + field.getName()).contains(field.getName());
            }
        }
    }

    @Test
    void everyComponentHasRows() throws IOException {
        assertThat(rows()).extracting(Row::component).contains("order-gateway", "streams-app", "local-stack");
        assertThat(rows()).hasSizeGreaterThanOrEqualTo(25);
    }

    private static boolean localStackReads(String variable) {
        LocalStackOptions defaults = LocalStackOptions.parse(new String[0], Map.of());
        return !LocalStackOptions.parse(new String[0], Map.of(variable, "0")).equals(defaults);
    }

    /** Whether the module's {@code logback.xml} (the one its jar runs with) substitutes the variable. */
    private static boolean logbackReads(String module, String variable) {
        try {
            return Files.readString(DockerComposeIT.REPOSITORY.resolve(module + "/src/main/resources/logback.xml"),
                    StandardCharsets.UTF_8).contains("${" + variable);
        } catch (IOException e) {
            return false;
        }
    }

    static List<Row> rows() throws IOException {
        String operations = Files.readString(DockerComposeIT.REPOSITORY.resolve("docs/operations.md"), StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        Matcher matcher = ROW.matcher(operations);
        while (matcher.find()) {
            rows.add(new Row(matcher.group(1), matcher.group(2), matcher.group(3).trim()));
        }
        return rows;
    }
}
