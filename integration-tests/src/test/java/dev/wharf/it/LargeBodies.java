package dev.wharf.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * Deterministic pseudo-random message bodies of any length, generated piece by piece (so a
 * gigabyte needs no gigabyte of heap), and their CRC32.
 */
final class LargeBodies {

    private LargeBodies() {
    }

    /** The bytes of body {@code seed} from {@code offset}, written into {@code into[0..n)}. */
    static void fill(long seed, long offset, byte[] into, int n) {
        for (int i = 0; i < n; i++) {
            long x = (offset + i) * 0x9E3779B97F4A7C15L + seed;
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 32;
            into[i] = (byte) x;
        }
    }

    /** The CRC32 of the first {@code length} bytes of body {@code seed}. */
    static long crc(long seed, long length) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[64 * 1024];
        for (long off = 0; off < length; off += buf.length) {
            int n = (int) Math.min(buf.length, length - off);
            fill(seed, off, buf, n);
            crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    /** Body {@code seed} of {@code length} bytes as a stream. */
    static InputStream stream(long seed, long length) {
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - position);
                byte[] tmp = off == 0 ? b : new byte[n];
                fill(seed, position, tmp, n);
                if (off != 0) {
                    System.arraycopy(tmp, 0, b, off, n);
                }
                position += n;
                return n;
            }
        };
    }
}
