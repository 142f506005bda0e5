package dev.wharf.benchmarks.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where benchmarks put their files: {@code -Dwharf.bench.dir} (default {@code target/bench}), a fresh subdirectory per trial. */
final class BenchDirs {
    private BenchDirs() {
    }

    static Path fresh(String name) {
        try {
            Path root = Path.of(System.getProperty("wharf.bench.dir", "target/bench"));
            Files.createDirectories(root);
            return Files.createTempDirectory(root, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
