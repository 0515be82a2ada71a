package io.jlvs.sched;

/** Hash functions of the hashing schedulers. Pure functions, no state. */
final class FlowHash {
    private static final int GOLDEN_RATIO_32 = 0x61C88647;

    private FlowHash() {
    }

    /** The kernel's hash_32: multiplicative hash keeping the top {@code bits} bits. */
    static int hash32(int value, int bits) {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /** An address folded to 32 bits as IPVS folds it (IPv6: XOR of its four words). */
    static int fold(long hi, long lo) {
        return (int) (hi >>> 32) ^ (int) hi ^ (int) (lo >>> 32) ^ (int) lo;
    }

    /** A strong 64-bit mix of an address, a port and an extra value, keyed by {@code seed}. */
    static long mix(long seed, long hi, long lo, int port, int extra) {
        long h = seed;
        h = avalanche(h ^ hi);
        h = avalanche(h ^ lo);
        h = avalanche(h ^ (((long) port << 32) | (extra & 0xffffffffL)));
        return h;
    }

    /** Non-negative remainder of a 64-bit hash by {@code n}. */
    static int mod(long hash, int n) {
        return (int) Long.remainderUnsigned(hash, n);
    }

    private static long avalanche(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
