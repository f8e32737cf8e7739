package com.marketplace.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command lines for Java processes: the same {@code java} as this JVM. */
public final class JavaCommand {

    private JavaCommand() {
    }

    /** The {@code java} executable of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code java <jvmOptions> -jar <jar> <args>}, with {@code -XX:SharedArchiveFile=<jar's name>.jsa}
     * first when the build made that class-data archive next to the jar, as the Dockerfiles run the
     * jars. An archive option among {@code jvmOptions} (another archive, {@code -Xshare:off}) comes
     * later and wins; with an ahead-of-time cache option among them ({@code -XX:AOTCache},
     * {@code -XX:AOTMode}, ..., JDK 24 and later), which a JVM refuses beside an archive, the archive
     * is left out. Options the JVM reads from its environment ({@code JAVA_TOOL_OPTIONS}) are not looked at.
     */
    public static List<String> jar(Path jar, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        if (jvmOptions.stream().noneMatch(option -> option.startsWith("-XX:AOT"))) {
            classDataArchive(jar).ifPresent(archive -> command.add("-XX:SharedArchiveFile=" + archive));
        }
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return command;
    }

    /** {@code <name>.jsa} beside {@code <name>.jar}, when it exists. */
    static Optional<Path> classDataArchive(Path jar) {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path archive = jar.toAbsolutePath().resolveSibling(name + ".jsa");
        return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }

    /** {@code java <jvmOptions> -cp <this JVM's class path> <mainClass> <args>}. */
    public static List<String> mainClass(String mainClass, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /**
     * JVM options that record a JFR profile of the whole run into {@code file}. Stacks are kept 256
     * frames deep instead of JFR's 64: a Kafka Streams record passes through so many processor and
     * store layers that 64 frames lose the processing loop, and with it every inclusive figure.
     */
    public static List<String> flightRecording(Path file) {
        return List.of("-XX:FlightRecorderOptions:stackdepth=256",
                "-XX:StartFlightRecording=settings=profile,filename=" + file.toAbsolutePath());
    }
}
