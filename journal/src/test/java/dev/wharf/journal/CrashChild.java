package dev.wharf.journal;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link CrashTest} kills: opens a journal, then appends, deletes and runs
 * transactions from several threads until killed, printing one line per event to stdout
 * <em>before</em> it issues an operation (T, X, c, r: "tried") and <em>after</em> its future
 * completed (A, D, P, C, R: "confirmed"):
 * <pre>
 * T id        about to add id (alone or in a transaction)
 * A id        id was added (its future, or its transaction's commit, completed)
 * X id        about to delete id
 * D id        id was deleted
 * P tx id     transaction tx, which adds id, was prepared
 * c tx / r tx about to commit / roll back prepared tx
 * C tx / R tx tx was committed / rolled back
 * S n         compactions so far
 * </pre>
 * Args: {@code file|jdbc dir segmentSize compactLiveRatio threads addPercent} (the share of
 * plain adds among operations; below ~35 the journal shrinks, so compaction keeps running).
 */
public final class CrashChild {
    private static PrintWriter out;

    static synchronized void emit(String line) {
        out.println(line);
        out.flush();
    }

    /** The payload of record {@code id}: deterministic, so the test can check it. */
    static byte[] payload(long id) {
        byte[] b = new byte[16 + (int) (id % 300)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (id * 31 + i);
        }
        return b;
    }

    static Journal open(String kind, Path dir, long segmentSize, double ratio) {
        if (kind.equals("jdbc")) {
            return JdbcJournal.builder().h2(dir).leaseTtl(Duration.ofSeconds(1)).lockWait(Duration.ofSeconds(10)).build();
        }
        return FileJournal.builder(dir).segmentSize(segmentSize).compactLiveRatio(ratio).minFiles(2)
                .lockWait(Duration.ofSeconds(10)).build();
    }

    public static void main(String[] args) throws Exception {
        out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        String kind = args[0];
        Path dir = Path.of(args[1]);
        long segmentSize = Long.parseLong(args[2]);
        double ratio = Double.parseDouble(args[3]);
        int threads = Integer.parseInt(args[4]);
        int addPercent = Integer.parseInt(args[5]);
        Journal journal = open(kind, dir, segmentSize, ratio);
        RecoveredJournal recovered = journal.open();
        AtomicLong ids = new AtomicLong(recovered.highestId() + 1);
        ConcurrentLinkedDeque<Long> deletable = new ConcurrentLinkedDeque<>();
        List<RecordInfo> old = new ArrayList<>(recovered.records());
        java.util.Collections.shuffle(old, new Random(ids.get()));
        old.forEach(r -> deletable.add(r.id()));
        emit("READY");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> work(journal, ids, deletable, addPercent), "crash-worker-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        while (true) {
            Thread.sleep(100);
            emit("S " + journal.stats().compactions());
        }
    }

    private static void work(Journal j, AtomicLong ids, ConcurrentLinkedDeque<Long> deletable, int addPercent) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (true) {
            int r = rnd.nextInt(100);
            // Operation mix: [0, addPercent) add; then up to 80 delete; 80-92 transaction; 93-99 prepared.
            if (r < addPercent) {
                long id = ids.getAndIncrement();
                emit("T " + id);
                j.add(id, (byte) 1, ByteBuffer.wrap(payload(id)), true).join();
                emit("A " + id);
                deletable.add(id);
            } else if (r < 80) {
                Long id = rnd.nextBoolean() ? deletable.pollFirst() : deletable.pollLast();
                if (id != null) {
                    emit("X " + id);
                    j.delete(id, rnd.nextInt(10) > 0).join();
                    emit("D " + id);
                }
            } else if (r < 93) {
                long tx = ids.getAndIncrement();
                long a = ids.getAndIncrement();
                long b = ids.getAndIncrement();
                Long c = deletable.pollFirst();
                emit("T " + a);
                emit("T " + b);
                j.addTransactional(tx, a, (byte) 2, ByteBuffer.wrap(payload(a)));
                j.addTransactional(tx, b, (byte) 2, ByteBuffer.wrap(payload(b)));
                if (c != null) {
                    emit("X " + c);
                    j.deleteTransactional(tx, c);
                }
                if (rnd.nextInt(5) == 0) {
                    j.rollback(tx, true).join();
                    if (c != null) {
                        deletable.add(c);
                    }
                    continue;
                }
                j.commit(tx, true).join();
                emit("A " + a);
                emit("A " + b);
                if (c != null) {
                    emit("D " + c);
                }
                deletable.add(a);
                deletable.add(b);
            } else {
                long tx = ids.getAndIncrement();
                long a = ids.getAndIncrement();
                emit("T " + a);
                j.addTransactional(tx, a, (byte) 3, ByteBuffer.wrap(payload(a)));
                j.prepare(tx, ByteBuffer.wrap(("xid-" + tx).getBytes(StandardCharsets.UTF_8)), true).join();
                emit("P " + tx + " " + a);
                // Let other work pass while the transaction is in doubt.
                for (int i = 0; i < 5; i++) {
                    long id = ids.getAndIncrement();
                    emit("T " + id);
                    j.add(id, (byte) 1, ByteBuffer.wrap(payload(id)), true).join();
                    emit("A " + id);
                    deletable.add(id);
                }
                if (rnd.nextBoolean()) {
                    emit("c " + tx);
                    j.commit(tx, true).join();
                    emit("C " + tx);
                    deletable.add(a);
                } else {
                    emit("r " + tx);
                    j.rollback(tx, true).join();
                    emit("R " + tx);
                }
            }
        }
    }
}
