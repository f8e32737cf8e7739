package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents a reader starts from link only to files that exist, to headings that exist, and
 * to test methods that exist: a link written {@code [SomeIT.someMethod](…/SomeIT.java)} must point
 * at a file declaring {@code void someMethod(}. The guarantees table of the architecture document
 * is such a list of links.
 */
class DocumentationLinksTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> DOCUMENTS = List.of("README.md", "docs/architecture.md", "docs/operations.md");
    /** Written by {@code bench/run.sh}, not by the build, so a fresh clone may not have it yet. */
    private static final Path BENCHMARK_REPORT = REPOSITORY.resolve("docs/benchmarks/latest.md");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    /** How sources cited the design document that lives outside the repository; split so this file does not match. */
    private static final String OUTSIDE_CITATION = "ARCHITECTURE " + "§";
    private static final Pattern TEST_METHOD = Pattern.compile("[A-Z]\\w*\\.([a-z]\\w*)");

    @Test
    void everyRelativeLinkPointsAtAnExistingFileAndHeading() {
        List<String> broken = new ArrayList<>();
        for (String document : DOCUMENTS) {
            Path file = REPOSITORY.resolve(document);
            for (Link link : links(file)) {
                if (link.isExternal()) {
                    continue;
                }
                Path target = link.path().isEmpty() ? file : file.getParent().resolve(link.path()).normalize();
                if (target.equals(BENCHMARK_REPORT)) {
                    continue;
                }
                if (!Files.exists(target)) {
                    broken.add(document + ": " + link.target() + " (no such file)");
                } else if (!link.anchor().isEmpty() && target.toString().endsWith(".md")
                        && !anchors(target).contains(link.anchor())) {
                    broken.add(document + ": " + link.target() + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void linksNamingATestMethodPointAtAFileThatDeclaresIt() {
        List<String> missing = new ArrayList<>();
        for (String document : DOCUMENTS) {
            Path file = REPOSITORY.resolve(document);
            for (Link link : links(file)) {
                Matcher method = TEST_METHOD.matcher(link.text());
                if (method.matches() && link.path().endsWith(".java")) {
                    Path target = file.getParent().resolve(link.path()).normalize();
                    if (!Files.exists(target) || !read(target).contains("void " + method.group(1) + "(")) {
                        missing.add(document + ": " + link.text() + " -> " + link.target());
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void theGuaranteesTableNamesAClassAndATestForEveryRow() {
        String architecture = read(REPOSITORY.resolve("docs/architecture.md"));
        String table = architecture.substring(architecture.indexOf("| guarantee |"));
        table = table.substring(0, table.indexOf("\n\n"));
        List<String> rows = table.lines().skip(2).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(9);
        for (String row : rows) {
            String[] cells = row.split("\\|");
            assertThat(cells[2]).as(row).contains("src/main/java/");
            assertThat(cells[3]).as(row).containsPattern("src/test/java/.*(IT|Test)\\.java");
        }
    }

    @Test
    void noSourceFileCitesADocumentOutsideTheRepository() throws IOException {
        List<String> citing;
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            citing = files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/"))
                    .filter(p -> read(p).contains(OUTSIDE_CITATION))
                    .map(p -> REPOSITORY.relativize(p).toString())
                    .toList();
        }
        assertThat(citing).as("cite docs/architecture.md instead").isEmpty();
    }

    private record Link(String text, String target) {
        boolean isExternal() {
            return target.matches("^[a-z]+:.*");
        }

        String path() {
            int hash = target.indexOf('#');
            return hash < 0 ? target : target.substring(0, hash);
        }

        String anchor() {
            int hash = target.indexOf('#');
            return hash < 0 ? "" : target.substring(hash + 1);
        }
    }

    private static List<Link> links(Path markdown) {
        List<Link> links = new ArrayList<>();
        Matcher matcher = LINK.matcher(withoutCodeBlocks(read(markdown)));
        while (matcher.find()) {
            links.add(new Link(matcher.group(1), matcher.group(2)));
        }
        return links;
    }

    private static String withoutCodeBlocks(String markdown) {
        return markdown.replaceAll("(?s)```.*?```", "");
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path markdown) {
        return withoutCodeBlocks(read(markdown)).lines()
                .filter(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
