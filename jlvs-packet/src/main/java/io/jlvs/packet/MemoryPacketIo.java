package io.jlvs.packet;

import io.jlvs.core.io.FrameHandler;
import io.jlvs.core.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PacketIo} over two in-memory rings of fixed slots, for tests and benchmarks: frames are
 * injected into the receive ring and transmitted ones collected from the transmit ring. Receiving,
 * transmitting, {@link #inject(MemorySegment, long, int)} and {@link #discardTransmitted} allocate nothing.
 * Not thread-safe: one thread injects, runs the data plane and reads what it sent.
 */
public final class MemoryPacketIo implements PacketIo {
    private final Arena arena = Arena.ofShared();
    private final int slotSize;
    private final int slots;
    private final MemorySegment rx;
    private final MemorySegment tx;
    private final int[] rxLength;
    private final int[] rxSegmentSize;
    private int receiving;
    private boolean superPackets;
    private final List<SentSuperPacket> sentSuperPackets = new ArrayList<>();
    private final int[] txLength;
    private final long mac;
    private final int mtu;
    private int rxHead;
    private int rxCount;
    private int txCount;
    private long flushes;

    /**
     * @param slots    frames each ring holds
     * @param slotSize largest frame in bytes
     */
    public MemoryPacketIo(long mac, int mtu, int slots, int slotSize) {
        this.mac = mac;
        this.mtu = mtu;
        this.slots = slots;
        this.slotSize = slotSize;
        this.rx = arena.allocate((long) slots * slotSize, 64);
        this.tx = arena.allocate((long) slots * slotSize, 64);
        this.rxLength = new int[slots];
        this.rxSegmentSize = new int[slots];
        this.txLength = new int[slots];
    }

    /** Queues a frame for {@link #receive}; false when the receive ring is full. */
    public boolean inject(MemorySegment frame, long offset, int length) {
        if (rxCount == slots || length > slotSize) {
            return false;
        }
        int slot = (rxHead + rxCount) % slots;
        MemorySegment.copy(frame, offset, rx, (long) slot * slotSize, length);
        rxLength[slot] = length;
        rxSegmentSize[slot] = 0;
        rxCount++;
        return true;
    }

    /**
     * Queues a TCP super-packet that is to be cut into {@code segmentSize}-byte segments, as a sender on the
     * director's host with TSO/GSO on hands it over (allocates; tests only).
     */
    public boolean injectSuperPacket(byte[] frame, int segmentSize) {
        if (!inject(frame)) {
            return false;
        }
        rxSegmentSize[(rxHead + rxCount - 1) % slots] = segmentSize;
        return true;
    }

    /** Queues a frame given as bytes (allocates; tests only). */
    public boolean inject(byte[] frame) {
        return inject(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Override
    public int receive(FrameHandler handler, int max) {
        int n = 0;
        while (n < max && rxCount > 0) {
            int slot = rxHead;
            rxHead = (rxHead + 1) % slots;
            rxCount--;
            receiving = rxSegmentSize[slot];
            handler.onFrame(rx, (long) slot * slotSize, rxLength[slot]);
            receiving = 0;
            n++;
        }
        return n;
    }

    @Override
    public int receivedSegmentSize() {
        return receiving;
    }

    /** A super-packet handed over whole: the frame, where TCP and its payload start, the segment size. */
    public record SentSuperPacket(byte[] frame, int l4Offset, int headerLength, int segmentSize) {
    }

    /** Whether {@link #transmitSuperPacket} takes super-packets (tests; off: the caller segments them). */
    public void acceptSuperPackets(boolean on) {
        superPackets = on;
    }

    @Override
    public boolean transmitSuperPacket(MemorySegment frame, long offset, int length, int l4Offset, int headerLength,
                                       int segmentSize) {
        if (!superPackets) {
            return false;
        }
        sentSuperPackets.add(new SentSuperPacket(frame.asSlice(offset, length).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE), l4Offset, headerLength, segmentSize));
        return true;
    }

    /** Takes the super-packets handed over whole, oldest first (tests only). */
    public List<SentSuperPacket> takeSuperPackets() {
        List<SentSuperPacket> out = List.copyOf(sentSuperPackets);
        sentSuperPackets.clear();
        return out;
    }

    @Override
    public boolean transmit(MemorySegment frame, long offset, int length) {
        if (txCount == slots || length > slotSize) {
            return false;
        }
        MemorySegment.copy(frame, offset, tx, (long) txCount * slotSize, length);
        txLength[txCount++] = length;
        return true;
    }

    @Override
    public void flush() {
        flushes++;
    }

    /** Frames transmitted and not yet taken. */
    public int transmittedCount() {
        return txCount;
    }

    /** Takes every transmitted frame, oldest first (allocates; tests only). */
    public List<byte[]> takeTransmitted() {
        List<byte[]> out = new ArrayList<>(txCount);
        for (int i = 0; i < txCount; i++) {
            out.add(tx.asSlice((long) i * slotSize, txLength[i]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        txCount = 0;
        return out;
    }

    /** Forgets transmitted frames; returns how many there were. */
    public int discardTransmitted() {
        int n = txCount;
        txCount = 0;
        return n;
    }

    public long flushes() {
        return flushes;
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void close() {
        arena.close();
    }
}
