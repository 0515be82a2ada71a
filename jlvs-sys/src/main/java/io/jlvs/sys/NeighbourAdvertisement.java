package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Unsolicited IPv6 Neighbour Advertisement (RFC 4861 4.4, ICMPv6 type 136): the IPv6 counterpart of a gratuitous
 * ARP. Sent to all-nodes ff02::1 with hop limit 255 from the announced address itself, override flag set and the
 * interface's MAC as target link-layer address option, so that neighbours holding an entry for the address point
 * it at this interface (after a VRRP takeover). The kernel fills in the ICMPv6 checksum.
 */
public final class NeighbourAdvertisement {
    /** ICMPv6 header, target address and one target link-layer address option. */
    public static final int LENGTH = 32;
    public static final int TYPE = 136;
    public static final int FLAG_ROUTER = 0x80;
    public static final int FLAG_SOLICITED = 0x40;
    public static final int FLAG_OVERRIDE = 0x20;
    /** All-nodes link-local multicast. */
    public static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
    private static final int HOP_LIMIT = 255;

    private NeighbourAdvertisement() {
    }

    /** Writes the {@value #LENGTH}-byte ICMPv6 message (checksum 0) announcing {@code target} at {@code mac}. */
    public static int write(MemorySegment out, long offset, IpAddress target, long mac, boolean router) {
        if (target.isV4()) {
            throw new IllegalArgumentException("neighbour advertisement is for IPv6 addresses: " + target);
        }
        out.asSlice(offset, LENGTH).fill((byte) 0);
        out.set(ValueLayout.JAVA_BYTE, offset, (byte) TYPE);
        out.set(ValueLayout.JAVA_BYTE, offset + 4, (byte) (FLAG_OVERRIDE | (router ? FLAG_ROUTER : 0)));
        MemorySegment.copy(target.toBytes(), 0, out, ValueLayout.JAVA_BYTE, offset + 8, 16);
        out.set(ValueLayout.JAVA_BYTE, offset + 24, (byte) 2);   // target link-layer address
        out.set(ValueLayout.JAVA_BYTE, offset + 25, (byte) 1);   // in units of 8 bytes
        for (int i = 0; i < 6; i++) {
            out.set(ValueLayout.JAVA_BYTE, offset + 26 + i, (byte) (mac >>> (40 - 8 * i)));
        }
        return LENGTH;
    }

    /** The message as a new array. */
    public static byte[] of(IpAddress target, long mac, boolean router) {
        byte[] b = new byte[LENGTH];
        write(MemorySegment.ofArray(b), 0, target, mac, router);
        return b;
    }

    /**
     * Sends {@code count} advertisements of {@code target} out of {@code interfaceName} (index {@code ifindex},
     * MAC {@code mac}), from {@code target} when the kernel lets us bind to it (it is configured and not
     * tentative), else from the address the kernel picks. Returns how many were sent. Needs CAP_NET_RAW.
     */
    public static int send(String interfaceName, int ifindex, IpAddress target, long mac, boolean router, int count) {
        byte[] message = of(target, mac, router);
        try (RawIp6Socket s = RawIp6Socket.open(RawIp6Socket.IPPROTO_ICMPV6)) {
            s.blockAllIcmp6();
            s.bindToDevice(interfaceName);
            s.multicastInterface(ifindex);
            s.hopLimit(HOP_LIMIT);
            try {
                s.bind(target, ifindex);
            } catch (NativeIoException e) {
                // not (yet) usable as a source: the kernel's choice, a link-local address, still updates caches
            }
            int sent = 0;
            for (int i = 0; i < count; i++) {
                if (s.send(ALL_NODES, ifindex, message) == LENGTH) {
                    sent++;
                }
            }
            return sent;
        }
    }
}
