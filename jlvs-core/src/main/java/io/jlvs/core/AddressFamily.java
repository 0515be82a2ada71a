package io.jlvs.core;

/** The two address families IPVS serves, in ipvsadm's sort order (IPv4 first). */
public enum AddressFamily {
    INET(2, 32),
    INET6(10, 128);

    private final int linuxValue;
    private final int bits;

    AddressFamily(int linuxValue, int bits) {
        this.linuxValue = linuxValue;
        this.bits = bits;
    }

    /** AF_INET / AF_INET6 as Linux numbers them. */
    public int linuxValue() {
        return linuxValue;
    }

    /** Address length in bits: 32 or 128. */
    public int bits() {
        return bits;
    }
}
