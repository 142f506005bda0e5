package dev.wharf.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The JMS load tool: runs the same workloads through the JMS API against each provider's broker
 * (each in its own JVM, over TCP, persistence on the same disk), and reports messages per second,
 * latency percentiles and the ratio of Wharf to each peer, beside the raw write+force rate of
 * the disk. See benchmarks/README.md.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Runs JMS workloads against Wharf and its peers and compares them.")
public final class LoadTool implements Callable<Integer> {

    @Option(names = "--providers", split = ",", defaultValue = "wharf,artemis",
            description = "Providers to run, in order: wharf, artemis, artemis-tuned, activemq-classic (default: ${DEFAULT-VALUE}).")
    List<String> providers;

    @Option(names = "--workloads", split = ",",
            description = "Workloads to run (default: all): persistent-queue-1x1-sync, persistent-queue-4x4-sync,"
                    + " persistent-queue-16x1-sync, persistent-queue-tx100, persistent-queue-async, non-persistent-queue,"
                    + " topic-fanout-10-durable, request-reply.")
    List<String> workloads;

    @Option(names = "--size", defaultValue = "1024", description = "Message body in bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--warmup", defaultValue = "5", description = "Seconds of warm-up per workload (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--broker-warmup", defaultValue = "60",
            description = "Seconds of unmeasured load on each broker after it starts, shared among the chosen workloads,"
                    + " so that its JIT has compiled the hot paths before anything is measured (default: ${DEFAULT-VALUE}).")
    int brokerWarmupSeconds;

    @Option(names = "--duration", defaultValue = "20", description = "Measured seconds per workload (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--dir", defaultValue = "target/load",
            description = "Where brokers keep their data and the results go (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--heap", defaultValue = "1g", description = "Heap of each broker JVM (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--floor", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Before Wharf, run the one-producer sync workload's sends against a minimal TCP server that"
                    + " only writes, forces and answers, in its own JVM (a floor no broker beats on this machine);"
                    + " --no-floor skips it.")
    boolean floor;

    @Option(names = "--broker-opt",
            description = "A JVM option for every broker's JVM, as it is (repeatable; for A/B runs of a setting,"
                    + " e.g. --broker-opt=-Dwharf.transport.nio=true).")
    List<String> brokerOpts = new ArrayList<>();

    @Option(names = "--profile",
            description = "Record a JFR flight recording (profiling settings) in each broker JVM, as <dir>/<run>/<provider>/broker.jfr.")
    boolean profile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTool()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (size < 1 || warmupSeconds < 0 || brokerWarmupSeconds < 0 || durationSeconds < 1) {
            System.err.println("load: --size and --duration must be at least 1, --warmup and --broker-warmup at least 0");
            return 2;
        }
        List<Provider> chosen = new ArrayList<>();
        for (String p : providers) {
            try {
                chosen.add(Provider.byLabel(p));
            } catch (IllegalArgumentException e) {
                System.err.println("load: " + e.getMessage());
                return 2;
            }
        }
        List<Workload> chosenWorkloads = new ArrayList<>();
        for (Workload w : Workload.all()) {
            if (workloads == null || workloads.contains(w.name)) {
                chosenWorkloads.add(w);
            }
        }
        if (workloads != null && chosenWorkloads.size() != workloads.size()) {
            System.err.println("load: unknown workload in " + workloads + "; see --help");
            return 2;
        }
        Workload.Settings settings = new Workload.Settings(size, warmupSeconds * 1000L, durationSeconds * 1000L);
        String runId = Instant.now().toString().replace(':', '-');
        Path runDir = dir.resolve(runId);
        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();

        for (Provider p : chosen) {
            // The disk's speed drifts by a factor of two within minutes on a shared machine: the
            // baseline is measured again just before each provider, and its ratios use that one.
            System.out.println("[load] raw disk baseline for " + p.label + " in " + runDir.toAbsolutePath());
            results.add(RawDisk.run(runDir, settings, p.label));
            if (floor && p == Provider.WHARF) {
                // One producer only: with many, how the floor server groups commits is a design of
                // its own (its leader/follower commit did worse than Wharf's writer at 16), not a floor.
                List<FloorLoad.Run> runs = chosenWorkloads.stream().filter(w -> w.syncProducers() == 1)
                        .map(w -> new FloorLoad.Run(w.name, 1)).toList();
                if (!runs.isEmpty()) {
                    System.out.println("[load] measuring the TCP floor of a synchronous send");
                    try {
                        for (Result r : FloorLoad.run(runDir.resolve(FloorLoad.LABEL), heap, runs, settings, System.out::println)) {
                            System.out.println(line(r));
                            results.add(r);
                        }
                    } catch (Exception e) {
                        String failure = FloorLoad.LABEL + " FAILED: " + e;
                        System.out.println("[load] " + failure);
                        failures.add(failure);
                    }
                }
            }
            Path data = runDir.resolve(p.label);
            System.out.println("[load] starting " + p.label + " (data in " + data + ")");
            Provider.Running running;
            try {
                running = p.start(data, heap, profile, brokerOpts);
            } catch (IllegalStateException e) {
                System.err.println("load: " + e.getMessage());
                return 1;
            }
            try (running) {
                warmUp(p, running, chosenWorkloads);
                for (Workload w : chosenWorkloads) {
                    try {
                        Result r = w.run(p.label, running.factory(), settings, System.out::println);
                        System.out.println(line(r));
                        results.add(r);
                    } catch (Exception e) {
                        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof UnsupportedOperationException) {
                            // A feature the provider does not have (Classic: CompletionListener sends): not a failure.
                            String missing = p.label + " " + w.name + " not supported: " + cause.getMessage();
                            System.out.println("[load] " + missing);
                            unsupported.add(missing);
                            continue;
                        }
                        // One failed workload (a lost message, a broker error) is a finding: report it, go on.
                        String failure = p.label + " " + w.name + " FAILED: " + cause;
                        System.out.println("[load] " + failure);
                        failures.add(failure);
                    }
                }
            }
        }
        System.out.println();
        System.out.print(report(results, chosen));
        unsupported.forEach(u -> System.out.println("[load] " + u));
        failures.forEach(f -> System.out.println("[load] " + f));
        Path json = dir.resolve("results.json");
        Files.createDirectories(dir);
        Files.writeString(json, json(runId, settings, results), StandardCharsets.UTF_8);
        System.out.println("[load] results written to " + json.toAbsolutePath());
        return failures.isEmpty() ? 0 : 3;
    }

    /**
     * Unmeasured load on a fresh broker: with a few seconds per workload, C2 on two cores was
     * still compiling during the measured window (over a core of compiler threads 30 s in), and
     * a sync send measured at a third of its steady rate.
     */
    private void warmUp(Provider p, Provider.Running running, List<Workload> chosenWorkloads) {
        if (brokerWarmupSeconds == 0) {
            return;
        }
        long share = Math.max(2000, brokerWarmupSeconds * 1000L / chosenWorkloads.size());
        Workload.Settings warm = new Workload.Settings(size, share - 1000, 1000);
        System.out.println("[load] warming up " + p.label + " for " + brokerWarmupSeconds + " s");
        for (Workload w : chosenWorkloads) {
            try {
                w.run(p.label, running.factory(), warm, line -> { });
            } catch (Exception e) {
                // Reported by the measured run, which will fail the same way.
            }
        }
    }

    static String line(Result r) {
        return String.format(Locale.ROOT, "[load] %-14s %-27s send %10.0f/s  receive %10.0f/s  p50 %7d us  p99 %7d us"
                        + "  p99.9 %7d us  max %8d us", r.provider(), r.workload(), r.sendRate(), r.receiveRate(),
                r.p50Micros(), r.p99Micros(), r.p999Micros(), r.maxMicros());
    }

    /** The table of results, with Wharf's send rate and p99 as a ratio of each peer's. */
    static String report(List<Result> results, List<Provider> providers) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-27s %-14s %12s %12s %9s %9s %9s %9s%n", "workload", "provider",
                "send/s", "receive/s", "p50 us", "p99 us", "p99.9 us", "max us"));
        Map<String, Map<String, Result>> byWorkload = new LinkedHashMap<>();
        for (Result r : results) {
            byWorkload.computeIfAbsent(r.workload(), k -> new LinkedHashMap<>()).put(r.provider(), r);
        }
        for (var e : byWorkload.entrySet()) {
            for (Result r : e.getValue().values()) {
                out.append(String.format(Locale.ROOT, "%-27s %-14s %12.0f %12.0f %9d %9d %9d %9d%n", r.workload(),
                        r.provider(), r.sendRate(), r.receiveRate(), r.p50Micros(), r.p99Micros(), r.p999Micros(),
                        r.maxMicros()));
            }
            Result wharf = e.getValue().get(Provider.WHARF.label);
            Result raw = rawBefore(results, Provider.WHARF.label);
            if (wharf != null && raw != null && e.getKey().endsWith("-sync")) {
                // The targets of the sync workloads are set against the disk, not the peers.
                out.append(ratioLine("wharf/raw-disk", wharf, raw));
            }
            Result floor = e.getValue().get(FloorLoad.LABEL);
            if (floor != null && raw != null) {
                out.append(ratioLine("floor/raw-disk", floor, raw));
            }
            if (wharf != null && floor != null) {
                out.append(ratioLine("wharf/" + FloorLoad.LABEL, wharf, floor));
            }
            for (Provider p : providers) {
                Result peer = e.getValue().get(p.label);
                if (wharf != null && peer != null && p != Provider.WHARF && peer.sendRate() > 0) {
                    out.append(String.format(Locale.ROOT, "%-27s %-14s %12s %12s %9s %9s%n", "", "wharf/" + p.label,
                            ratio(wharf.sendRate(), peer.sendRate()), ratio(wharf.receiveRate(), peer.receiveRate()),
                            ratio(wharf.p50Micros(), peer.p50Micros()), ratio(wharf.p99Micros(), peer.p99Micros())));
                }
            }
        }
        return out.toString();
    }

    /** Send rate, p50 and p99 of {@code a} as a ratio of {@code b}'s. */
    private static String ratioLine(String label, Result a, Result b) {
        return String.format(Locale.ROOT, "%-27s %-14s %12s %12s %9s %9s%n", "", label, ratio(a.sendRate(), b.sendRate()),
                "", ratio(a.p50Micros(), b.p50Micros()), ratio(a.p99Micros(), b.p99Micros()));
    }

    private static Result rawBefore(List<Result> results, String provider) {
        return results.stream().filter(r -> r.workload().equals("write+force before " + provider)).findFirst().orElse(null);
    }

    private static String ratio(double a, double b) {
        return b <= 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    static String json(String runId, Workload.Settings s, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("{\"run\":\"").append(runId).append("\",\"messageSize\":").append(s.messageSize())
                .append(",\"warmupMillis\":").append(s.warmupMillis()).append(",\"measureMillis\":").append(s.measureMillis())
                .append(",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
                .append(",\"java\":\"").append(System.getProperty("java.version")).append("\",\"results\":[\n");
        for (int i = 0; i < results.size(); i++) {
            out.append("  ").append(results.get(i).toJson()).append(i + 1 < results.size() ? ",\n" : "\n");
        }
        return out.append("]}\n").toString();
    }

}
