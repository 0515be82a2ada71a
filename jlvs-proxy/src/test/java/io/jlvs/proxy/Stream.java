package io.jlvs.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** A deterministic byte stream of a given length, and its SHA-256, for transfer tests. */
record Stream(long length, long seed) {
    private static final int CHUNK = 64 * 1024;

    void writeTo(OutputStream out, AtomicLong written) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[CHUNK];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(CHUNK, left);
            fill(r, buf, n);
            out.write(buf, 0, n);
            written.addAndGet(n);
            left -= n;
        }
        out.flush();
    }

    String sha256() {
        MessageDigest md = digest();
        SplittableRandom r = new SplittableRandom(seed);
        byte[] buf = new byte[CHUNK];
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(CHUNK, left);
            fill(r, buf, n);
            md.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Reads {@code in} to its end; returns the SHA-256 and counts bytes into {@code read}. */
    static String sha256Of(InputStream in, AtomicLong read, int chunk) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            read.addAndGet(n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fill(SplittableRandom r, byte[] buf, int n) {
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                buf[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }
}
