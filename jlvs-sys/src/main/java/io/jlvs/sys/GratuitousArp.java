package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import io.jlvs.core.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Gratuitous ARP: a broadcast ARP request whose sender and target address are both the announced address,
 * so that neighbours on the link point that address at this interface's MAC (after a VRRP takeover, or when
 * a virtual address is added).
 */
public final class GratuitousArp {
    /** A minimum Ethernet frame: 14 header + 28 ARP + 18 padding. */
    public static final int FRAME_LENGTH = 60;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long BROADCAST = 0xffff_ffff_ffffL;

    private GratuitousArp() {
    }

    /** Writes the {@value #FRAME_LENGTH}-byte frame announcing {@code address} at {@code mac}; returns its length. */
    public static int write(MemorySegment frame, long offset, long mac, IpAddress address) {
        if (!address.isV4()) {
            throw new IllegalArgumentException("gratuitous ARP is for IPv4 addresses: " + address);
        }
        frame.asSlice(offset, FRAME_LENGTH).fill((byte) 0);
        putMac(frame, offset, BROADCAST);
        putMac(frame, offset + 6, mac);
        frame.set(BE16, offset + 12, (short) Abi.ETH_P_ARP);
        long arp = offset + 14;
        frame.set(BE16, arp, (short) 1);                 // Ethernet
        frame.set(BE16, arp + 2, (short) Abi.ETH_P_IP);
        frame.set(ValueLayout.JAVA_BYTE, arp + 4, (byte) 6);
        frame.set(ValueLayout.JAVA_BYTE, arp + 5, (byte) 4);
        frame.set(BE16, arp + 6, (short) 1);             // request
        putMac(frame, arp + 8, mac);
        frame.set(BE32, arp + 14, address.v4());
        putMac(frame, arp + 18, BROADCAST);
        frame.set(BE32, arp + 24, address.v4());
        return FRAME_LENGTH;
    }

    private static void putMac(MemorySegment s, long at, long mac) {
        for (int i = 0; i < 6; i++) {
            s.set(ValueLayout.JAVA_BYTE, at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    /** Sends {@code count} announcements of {@code address} from {@code io}'s MAC; returns how many were queued. */
    public static int send(PacketIo io, IpAddress address, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(FRAME_LENGTH);
            write(frame, 0, io.macAddress(), address);
            int sent = 0;
            for (int i = 0; i < count; i++) {
                if (io.transmit(frame, 0, FRAME_LENGTH)) {
                    sent++;
                }
            }
            io.flush();
            return sent;
        }
    }
}
