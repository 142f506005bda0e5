package dev.wharf.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows of DESIGN.md for this module: the adapter uses the client's public API only
 * (nothing under {@code dev.wharf.jms.internal}), and never the broker, the protocol or the journal.
 */
class ModuleArrowsTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "dev\\.wharf\\.(server|journal|protocol)\\b|dev\\.wharf\\.jms\\.internal\\b");

    @Test
    void adapterSourcesUseOnlyThePublicClientApi() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                            .filter(l -> FORBIDDEN.matcher(l).find()).map(l -> p.getFileName() + ": " + l.trim());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), offending);
    }
}
