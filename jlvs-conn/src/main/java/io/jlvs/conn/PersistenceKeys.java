package io.jlvs.conn;

/**
 * Pure helpers that build the key of a persistence template from packet fields, as the kernel does:
 * the client address masked by the service's netmask, and for a fwmark service the mark standing in
 * for the virtual address (in the first 32 bits of it) with protocol 0 ("IP").
 * IPv4 addresses sit in the low 32 bits of {@code lo}, as in {@link io.jlvs.core.IpAddress}.
 */
public final class PersistenceKeys {
    /** Protocol number of fwmark templates (IPPROTO_IP), listed as "IP". */
    public static final int FWMARK_PROTOCOL = 0;

    private PersistenceKeys() {
    }

    /** High half of {@code hi:lo} masked to {@code prefixBits} leading bits. */
    public static long maskHi(boolean v6, long hi, int prefixBits) {
        if (!v6) {
            return 0;
        }
        return prefixBits <= 0 ? 0 : prefixBits >= 64 ? hi : hi & (-1L << (64 - prefixBits));
    }

    /** Low half of {@code hi:lo} masked to {@code prefixBits} leading bits. */
    public static long maskLo(boolean v6, long lo, int prefixBits) {
        if (!v6) {
            return prefixBits <= 0 ? 0 : lo & (0xffffffffL << (32 - Math.min(prefixBits, 32))) & 0xffffffffL;
        }
        return prefixBits <= 64 ? 0 : prefixBits >= 128 ? lo : lo & (-1L << (128 - prefixBits));
    }

    /** High half of the address a fwmark stands for. */
    public static long fwmarkHi(boolean v6, int mark) {
        return v6 ? (mark & 0xffffffffL) << 32 : 0;
    }

    /** Low half of the address a fwmark stands for. */
    public static long fwmarkLo(boolean v6, int mark) {
        return v6 ? 0 : mark & 0xffffffffL;
    }
}
