package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.gateway.http.OrderApiProblems;
import com.marketplace.http.ProblemType;
import com.marketplace.streams.http.QueryApiProblems;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Clients branch on a problem's {@code type}, so the architecture document lists every kind the
 * services can answer with its status, and only those: a kind added in code must be documented, a
 * documented one must exist.
 */
class ProblemTypesDocumentedTest {

    private static final Path ARCHITECTURE = Path.of("..", "docs", "architecture.md");
    private static final String BASE = "https://marketplace.example/problems/";
    /** A row of the kinds table: the kinds (one or more, in backquotes) and their statuses. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| ((?:`[a-z-]+`(?:, )?)+) \\| ([0-9, ]+) \\|");
    private static final Pattern KIND = Pattern.compile("`([a-z-]+)`");

    @Test
    void everyKindInTheCodeIsInTheTableWithItsStatusAndNoOtherIs() throws IOException {
        Set<String> inCode = new LinkedHashSet<>();
        for (ProblemType type : declared(ProblemType.class, OrderApiProblems.class, QueryApiProblems.class)) {
            assertThat(type.type()).startsWith(BASE);
            inCode.add(type.type().substring(BASE.length()) + " " + type.status());
        }

        Set<String> documented = new LinkedHashSet<>();
        Matcher row = ROW.matcher(Files.readString(ARCHITECTURE));
        while (row.find()) {
            List<String> kinds = KIND.matcher(row.group(1)).results().map(m -> m.group(1)).toList();
            List<String> statuses = List.of(row.group(2).split(",\\s*"));
            assertThat(statuses).as("statuses of %s", kinds).hasSameSizeAs(kinds);
            for (int i = 0; i < kinds.size(); i++) {
                documented.add(kinds.get(i) + " " + statuses.get(i).strip());
            }
        }

        assertThat(inCode).hasSizeGreaterThan(15);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(inCode);
        assertThat(Files.readString(ARCHITECTURE)).contains("`" + BASE + "`");
    }

    private static List<ProblemType> declared(Class<?>... holders) {
        List<ProblemType> types = new ArrayList<>();
        for (Field field : Stream.of(holders).flatMap(h -> Stream.of(h.getDeclaredFields())).toList()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ProblemType.class) {
                try {
                    types.add((ProblemType) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(field + " is not public", e);
                }
            }
        }
        return types;
    }
}
