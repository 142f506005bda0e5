package dev.wharf.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts TCK results per class, prints {@code tests N, passed N, failed N} when a run ends and
 * writes one line per class to the file named by {@code wharf.tck.summary}, failed tests listed
 * under their class. Inactive when that property is not set.
 */
public final class TckSummaryListener implements TestExecutionListener {

    /** Results of one class; static so several launcher requests in one JVM add up. */
    private static final Map<String, ClassResult> RESULTS = new TreeMap<>();

    private static final class ClassResult {
        int passed;
        int failed;
        int skipped;
        final Map<String, String> failures = new TreeMap<>();
    }

    private final String summaryFile = System.getProperty("wharf.tck.summary");

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (summaryFile != null && test.isTest()) {
            synchronized (RESULTS) {
                result(test).skipped++;
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult outcome) {
        if (summaryFile == null || !test.isTest()) {
            return;
        }
        synchronized (RESULTS) {
            ClassResult r = result(test);
            switch (outcome.getStatus()) {
                case SUCCESSFUL -> r.passed++;
                case ABORTED -> r.skipped++;
                case FAILED -> {
                    r.failed++;
                    String why = outcome.getThrowable().map(TckSummaryListener::describe).orElse("failed");
                    r.failures.put(method(test), why);
                }
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (summaryFile == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        synchronized (RESULTS) {
            out.append(String.format("%-72s %6s %6s %6s %6s%n", "class", "tests", "passed", "failed", "skipped"));
            for (Map.Entry<String, ClassResult> e : RESULTS.entrySet()) {
                ClassResult r = e.getValue();
                int tests = r.passed + r.failed + r.skipped;
                out.append(String.format("%-72s %6d %6d %6d %6d%n", e.getKey(), tests, r.passed, r.failed, r.skipped));
                for (Map.Entry<String, String> f : r.failures.entrySet()) {
                    out.append("    FAILED ").append(f.getKey()).append(": ").append(f.getValue()).append('\n');
                }
                passed += r.passed;
                failed += r.failed;
                skipped += r.skipped;
            }
        }
        String totals = String.format("tests %d, passed %d, failed %d, skipped %d",
                passed + failed + skipped, passed, failed, skipped);
        out.append(totals).append('\n');
        try {
            Path file = Path.of(summaryFile);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TCK summary " + summaryFile, e);
        }
        System.out.println("[wharf-tck] " + totals + " (per class: " + summaryFile + ")");
    }

    private static ClassResult result(TestIdentifier test) {
        return RESULTS.computeIfAbsent(className(test), k -> new ClassResult());
    }

    private static String className(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource m) {
            return m.getClassName();
        }
        return test.getUniqueId();
    }

    private static String method(TestIdentifier test) {
        Optional<TestSource> source = test.getSource();
        if (source.isPresent() && source.get() instanceof MethodSource m) {
            return m.getMethodName();
        }
        return test.getDisplayName();
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = t.getClass().getSimpleName() + ": " + t.getMessage();
        return root == t ? first : first + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
