package io.jlvs.sys;

/** How {@link AfPacketIo} transmits. */
public enum TxMode {
    /** A TPACKET_V3 transmit ring: {@code transmit} fills slots, {@code flush} sends them with one system call. */
    TX_RING,
    /** One {@code sendto} per frame from a single staging buffer (the default; see docs/system-layer.md). */
    SENDTO
}
