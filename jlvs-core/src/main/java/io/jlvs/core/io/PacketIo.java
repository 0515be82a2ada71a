package io.jlvs.core.io;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet frames in and out of one interface: the only way the packet data plane touches the wire.
 * Implementations: AF_PACKET rings (jlvs-sys), in-memory and pcap ones for tests. Owner: one data-plane
 * thread; nothing here may allocate per frame.
 */
public interface PacketIo extends AutoCloseable {

    /** Hands up to {@code max} received frames to {@code handler}; returns how many. Never blocks longer than the implementation's poll timeout. */
    int receive(FrameHandler handler, int max);

    /**
     * Queues a copy of {@code length} bytes at {@code offset} of {@code frame} for sending. Returns false when
     * the transmit queue is full (the caller counts a drop).
     */
    boolean transmit(MemorySegment frame, long offset, int length);

    /**
     * During {@link FrameHandler#onFrame}: the segment size of the frame being handed over when it is a TCP
     * super-packet (Linux GSO: a sender on this host over veth with TSO/GSO on passes up to 64 KiB at once,
     * to be cut into segments of this size), 0 for an ordinary frame or an I/O that cannot tell.
     */
    default int receivedSegmentSize() {
        return 0;
    }

    /**
     * Sends a TCP/IPv4 super-packet (its checksum field holding the pseudo-header sum, left for the card) whole,
     * to be cut into {@code segmentSize}-byte segments by the kernel on its way out, after what was queued
     * before; {@code l4Offset} is where TCP starts in the frame, {@code headerLength} where its payload starts.
     * False when this I/O cannot (the caller segments it itself).
     */
    default boolean transmitSuperPacket(MemorySegment frame, long offset, int length, int l4Offset, int headerLength,
                                        int segmentSize) {
        return false;
    }

    /** Sends everything queued. */
    void flush();

    /** The interface's MAC address (6 bytes as the low 48 bits). */
    long macAddress();

    /** The interface's MTU. */
    int mtu();

    @Override
    void close();
}
