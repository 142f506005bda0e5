package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the module arrows of shared/DESIGN.md honest for the broker's sources. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dev/wharf/server");

    private static List<String> violations(Path root, String... forbiddenPrefixes) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    for (String prefix : forbiddenPrefixes) {
                        if (line.startsWith("import " + prefix) || line.startsWith("import static " + prefix)) {
                            out.add(f + ": " + line);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void brokerNeverUsesTheClientOrTheJmsApi() throws IOException {
        assertEquals(List.of(), violations(MAIN, "dev.wharf.jms", "jakarta.jms"));
    }

    @Test
    void brokerCoreDoesNotUseNetty() throws IOException {
        assertEquals(List.of(), violations(MAIN.resolve("internal/core"), "io.netty"));
    }
}
