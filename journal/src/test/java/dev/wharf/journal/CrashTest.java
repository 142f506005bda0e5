package dev.wharf.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a child JVM ({@link CrashChild}) that is writing under load, at a random moment, then
 * recovers its journal here and checks: every confirmed record is back with its payload,
 * nothing confirmed deleted is, no record that was never added appears, and every confirmed
 * prepared transaction is in doubt. The same directory goes through every round, so each
 * round also recovers what earlier crashes left. Rounds: {@code -Dwharf.crash.rounds} (20).
 */
class CrashTest {
    private static final Logger LOG = LoggerFactory.getLogger(CrashTest.class);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void fileJournalRecoversEveryConfirmedRecordAfterKill() throws Exception {
        int rounds = Integer.getInteger("wharf.crash.rounds", 20);
        runRounds("file", rounds, 2026L);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void jdbcJournalRecoversEveryConfirmedRecordAfterKill() throws Exception {
        int rounds = Math.max(3, Integer.getInteger("wharf.crash.rounds", 20) / 4);
        runRounds("jdbc", rounds, 1999L);
    }

    private void runRounds(String kind, int rounds, long seed) throws Exception {
        Random rnd = new Random(seed);
        Map<Long, byte[]> baseline = new HashMap<>();
        long compactions = 0;
        int killedMidCompaction = 0;
        for (int round = 0; round < rounds; round++) {
            // Half the rounds use small segments and eager compaction, so kills land mid-compaction.
            boolean compactHard = round % 2 == 0;
            long segmentSize = compactHard ? 16 * 1024 : 256 * 1024;
            double ratio = compactHard ? 0.9 : 0.3;
            long killAfterMillis = 150 + rnd.nextInt(900);
            Path before = Path.of("target", "crash-" + kind + "-before-round-" + round);
            if (Boolean.getBoolean("wharf.crash.keep")) {
                FileJournalTest.copyDir(dir, before);
            }
            // Hard-compaction rounds also delete more than they add, so the log keeps shrinking.
            Events ev = runChild(kind, segmentSize, ratio, compactHard ? 25 : 45, killAfterMillis, round == 1);
            compactions += ev.compactions;
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".cmp"))) {
                    killedMidCompaction++;
                }
            }
            if (Boolean.getBoolean("wharf.crash.keep")) {
                FileJournalTest.copyDir(dir, Path.of("target", "crash-" + kind + "-after-round-" + round));
                java.nio.file.Files.write(Path.of("target", "crash-" + kind + "-lines-" + round + ".txt"), ev.all);
            }
            baseline = verify(kind, ev, baseline, round);
        }
        LOG.info("{} crash test: {} rounds survived, {} compactions seen in children, {} kills during a compaction",
                kind, rounds, compactions, killedMidCompaction);
    }

    /** What the child printed before it died. */
    static final class Events {
        final List<String> all = new ArrayList<>();
        final Set<Long> tried = new HashSet<>();
        final Set<Long> added = new HashSet<>();
        final Set<Long> deleting = new HashSet<>();
        final Set<Long> deleted = new HashSet<>();
        final Map<Long, Long> prepared = new HashMap<>();
        final Set<Long> resolving = new HashSet<>();
        final Set<Long> committed = new HashSet<>();
        final Set<Long> rolledBack = new HashSet<>();
        long compactions;
        int lines;
    }

    private Events runChild(String kind, long segmentSize, double ratio, int addPercent, long killAfterMillis,
                            boolean checkLock)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                kind, dir.toString(), Long.toString(segmentSize), Double.toString(ratio), "6",
                Integer.toString(addPercent));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        // The child's stdout goes to a file, read once the child is dead: what reached the
        // file before the kill is all there (a pipe read after a kill can lose its tail).
        Path events = Files.createTempFile("crash-events", ".txt");
        pb.redirectOutput(events.toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!startsWithReady(events)) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    fail("child did not start within 60 s (alive: " + p.isAlive() + ")");
                }
                Thread.sleep(20);
            }
            if (checkLock) {
                // Another process holds the store: opening it here must fail cleanly.
                Journal second = kind.equals("file") ? FileJournal.builder(dir).build() : JdbcJournal.builder().h2(dir).build();
                JournalLockedException e = assertThrows(JournalLockedException.class, second::open);
                assertTrue(e.getMessage().contains("another broker"), e.getMessage());
                second.close();
            }
            Thread.sleep(killAfterMillis);
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not die");
        }
        Events ev = new Events();
        try {
            parse(Files.readAllLines(events, StandardCharsets.UTF_8), ev);
        } finally {
            Files.deleteIfExists(events);
        }
        return ev;
    }

    private static boolean startsWithReady(Path events) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            return "READY".equals(first);
        }
    }

    private static void parse(List<String> lines, Events ev) {
        for (String line : lines) {
            ev.lines++;
            if (Boolean.getBoolean("wharf.crash.keep")) {
                ev.all.add(line);
            }
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "T" -> ev.tried.add(Long.parseLong(f[1]));
                    case "A" -> ev.added.add(Long.parseLong(f[1]));
                    case "X" -> ev.deleting.add(Long.parseLong(f[1]));
                    case "D" -> ev.deleted.add(Long.parseLong(f[1]));
                    case "P" -> ev.prepared.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                    case "c", "r" -> ev.resolving.add(Long.parseLong(f[1]));
                    case "C" -> ev.committed.add(Long.parseLong(f[1]));
                    case "R" -> ev.rolledBack.add(Long.parseLong(f[1]));
                    case "S" -> ev.compactions = Long.parseLong(f[1]);
                    default -> {
                        // READY, or a last line cut by the kill.
                    }
                }
            } catch (RuntimeException e) {
                // A last line cut by the kill ("T 12" of "T 123" would only widen "tried").
            }
        }
    }

    private Map<Long, byte[]> verify(String kind, Events ev, Map<Long, byte[]> baseline, int round) {
        Journal j = kind.equals("file") ? FileJournal.builder(dir).segmentSize(16 * 1024).build()
                : JdbcJournal.builder().h2(dir).leaseTtl(Duration.ofSeconds(1)).lockWait(Duration.ofSeconds(10)).build();
        Map<Long, byte[]> live = new HashMap<>();
        String where = kind + " round " + round + " (" + ev.lines + " lines, " + ev.added.size() + " adds confirmed)";
        try {
            RecoveredJournal r = j.open();
            for (RecordInfo ri : r.records()) {
                live.put(ri.id(), ri.payload());
            }
            // 1. Every confirmed add that was not (maybe) deleted since is back, with its payload.
            for (long id : ev.added) {
                if (!ev.deleting.contains(id)) {
                    assertTrue(live.containsKey(id), where + ": confirmed record " + id + " lost");
                    assertArrayEquals(CrashChild.payload(id), live.get(id), where + ": payload of " + id);
                }
            }
            for (Map.Entry<Long, byte[]> e : baseline.entrySet()) {
                if (!ev.deleting.contains(e.getKey())) {
                    assertTrue(live.containsKey(e.getKey()), where + ": record " + e.getKey() + " from an earlier round lost");
                }
            }
            // 2. Nothing confirmed deleted comes back.
            for (long id : ev.deleted) {
                assertTrue(!live.containsKey(id), where + ": deleted record " + id + " came back");
            }
            // 3. Nothing that was never added appears.
            for (long id : live.keySet()) {
                assertTrue(baseline.containsKey(id) || ev.tried.contains(id), where + ": record " + id + " was never added");
                assertArrayEquals(CrashChild.payload(id), live.get(id), where + ": payload of " + id);
            }
            // 4. Prepared and unresolved transactions are in doubt; the others are not.
            Set<Long> inDoubt = new HashSet<>();
            for (PreparedTransaction pt : r.preparedTransactions()) {
                inDoubt.add(pt.txId());
                assertTrue(ev.prepared.containsKey(pt.txId()) || !ev.committed.contains(pt.txId()),
                        where + ": unexpected prepared transaction " + pt.txId());
                assertEquals(List.of(ev.prepared.getOrDefault(pt.txId(), pt.records().get(0).id())),
                        pt.records().stream().map(RecordInfo::id).toList());
            }
            for (Map.Entry<Long, Long> e : ev.prepared.entrySet()) {
                long tx = e.getKey();
                if (ev.committed.contains(tx)) {
                    assertTrue(!inDoubt.contains(tx), where + ": committed tx " + tx + " still in doubt");
                    if (!ev.deleting.contains(e.getValue())) {
                        assertTrue(live.containsKey(e.getValue()), where + ": record of committed tx " + tx + " lost");
                    }
                } else if (ev.rolledBack.contains(tx)) {
                    assertTrue(!inDoubt.contains(tx) && !live.containsKey(e.getValue()), where + ": rolled back tx " + tx);
                } else if (!ev.resolving.contains(tx)) {
                    assertTrue(inDoubt.contains(tx), where + ": prepared tx " + tx + " not in doubt after restart");
                }
            }
            // 5. Resolve what is in doubt (commit even ids, roll back odd ones) for the next round.
            for (PreparedTransaction pt : r.preparedTransactions()) {
                if (pt.txId() % 2 == 0) {
                    j.commit(pt.txId(), true).join();
                    pt.records().forEach(ri -> live.put(ri.id(), ri.payload()));
                } else {
                    j.rollback(pt.txId(), true).join();
                }
            }
        } finally {
            j.close();
        }
        return live;
    }
}
