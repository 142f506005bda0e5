package dev.wharf.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the failed tests and the totals of a TCK run on the Maven console (the tests' own output
 * goes to files under {@code target/failsafe-reports}). Run by the {@code tck} profile after the
 * TCK; the argument is the summary written by {@link TckSummaryListener}.
 */
public final class TckSummaryReport {

    private TckSummaryReport() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        if (!Files.exists(file)) {
            System.out.println("[wharf-tck] no TCK summary at " + file + ": no TCK test ran");
            return;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.startsWith("    FAILED ")) {
                System.out.println("[wharf-tck] " + line.strip());
            }
        }
        System.out.println("[wharf-tck] " + lines.get(lines.size() - 1) + " (per class: " + file + ")");
    }
}
