package dev.wharf.journal;

import dev.wharf.journal.internal.RecordFormat;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Debugging aid: prints the records of a journal directory that mention an id. Args: dir id. */
public final class SegmentDump {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long want = Long.parseLong(args[1]);
        try (Stream<Path> s = Files.list(dir).sorted()) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.toString().contains(".wj")) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p));
                System.out.println(p.getFileName() + " flags=" + b.getShort(6) + " highest=" + b.getLong(16) + " size=" + b.limit());
                int pos = RecordFormat.HEADER_LENGTH;
                while (pos + 28 <= b.limit()) {
                    int len = b.getInt(pos);
                    if (len < 28 || len > b.limit() - pos) {
                        break;
                    }
                    long id = b.getLong(pos + 12);
                    long tx = b.getLong(pos + 20);
                    if (id == want || tx == want || want < 0) {
                        System.out.println("  @" + pos + " " + RecordFormat.kindName(b.get(pos + 8)) + " id=" + id + " tx=" + tx);
                    }
                    pos += len;
                }
            }
        }
    }
}
