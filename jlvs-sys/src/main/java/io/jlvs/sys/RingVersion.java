package io.jlvs.sys;

/**
 * The layout of an {@link AfPacketIo} receive ring (and of its transmit ring's slots).
 *
 * <ul>
 *   <li>{@link #TPACKET_V2}: fixed-size frame slots, each with its own status word; the kernel wakes a
 *       poller for every frame, so a frame reaches user space as soon as it is copied (lowest latency).
 *       A frame longer than a slot (frame size minus about 66 bytes of header) is truncated.</li>
 *   <li>{@link #TPACKET_V3}: variable-length frames packed into blocks; the kernel hands a block over
 *       only when it is full or its retire timer fires ({@code blockTimeoutMillis}), so an idle link adds
 *       up to that timeout to every frame (best for bulk capture, fewer wake-ups).</li>
 * </ul>
 */
public enum RingVersion {
    TPACKET_V2(1),
    TPACKET_V3(2);

    private final int abi;

    RingVersion(int abi) {
        this.abi = abi;
    }

    /** The PACKET_VERSION value. */
    int abi() {
        return abi;
    }
}
