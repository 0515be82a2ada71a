package io.jlvs.vrrp.transport;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.RawIp6Socket;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * VRRPv3 over a raw IPv6 socket for next header 112, bound to one interface and to the instance's source address
 * (the interface's link-local address, or unicast_src_ip). IPv6 raw sockets carry no header: {@link #send} gives
 * the kernel the VRRP part of the encoder's packet (its checksum already covers the pseudo-header with that
 * source) and the kernel sends it with hop limit 255; received packets come back whole, with the hop limit they
 * arrived with, for the decoder's RFC 5798 checks. A multicast transport joins ff02::12 on the interface, loop
 * off. Needs CAP_NET_RAW. One owning thread.
 */
public final class RawSocket6VrrpTransport implements VrrpTransport {
    private static final int MAX_PACKET = 65535 + RawIp6Socket.HEADER;
    private static final int HEADER = RawIp6Socket.HEADER;

    private final RawIp6Socket socket;
    private final int ifindex;
    private final boolean multicast;
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[MAX_PACKET]);
    private long sendFailures;

    private RawSocket6VrrpTransport(RawIp6Socket socket, int ifindex, boolean multicast) {
        this.socket = socket;
        this.ifindex = ifindex;
        this.multicast = multicast;
    }

    /**
     * Opens a transport on {@code interfaceName} (index {@code ifindex}) sending from {@code source}; multicast
     * unless {@code unicast}.
     */
    public static RawSocket6VrrpTransport open(String interfaceName, int ifindex, IpAddress source, boolean unicast) {
        RawIp6Socket s = RawIp6Socket.open(VrrpPacketEncoder.IPPROTO_VRRP);
        try {
            s.bindToDevice(interfaceName);
            s.bind(source, linkLocal(source) ? ifindex : 0);
            s.hopLimit(VrrpPacketEncoder.VRRP_TTL);
            if (!unicast) {
                s.multicastInterface(ifindex);
                s.multicastLoop(false);
                s.joinGroup(VrrpPacketEncoder.MCAST_GROUP6, ifindex);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return new RawSocket6VrrpTransport(s, ifindex, !unicast);
    }

    /** fe80::/10. */
    static boolean linkLocal(IpAddress a) {
        return !a.isV4() && (a.hi() >>> 54) == (0xfe80L >>> 6);
    }

    /** Whether a destination needs the interface as scope: link-local unicast or link-local multicast. */
    static boolean scoped(IpAddress a) {
        return linkLocal(a) || (!a.isV4() && (a.hi() >>> 48) == 0xff02L);
    }

    @Override
    public void send(byte[] ipPacket) {
        if (ipPacket.length < HEADER || (ipPacket[0] & 0xf0) != 0x60) {
            throw new IllegalArgumentException("not an IPv6 packet");
        }
        IpAddress to = IpAddress.of(Arrays.copyOfRange(ipPacket, 24, 40));
        if (socket.send(to, scoped(to) ? ifindex : 0, MemorySegment.ofArray(ipPacket), HEADER,
                ipPacket.length - HEADER) < 0) {
            sendFailures++;
        }
    }

    @Override
    public byte[] poll() {
        return receive(0);
    }

    @Override
    public byte[] receive(int timeoutMillis) {
        int n = socket.receive(buffer, Math.max(0, timeoutMillis));
        return n < 0 ? null : buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Sends the socket refused because its queue was full. */
    public long sendFailures() {
        return sendFailures;
    }

    @Override
    public void close() {
        if (multicast) {
            try {
                socket.leaveGroup(VrrpPacketEncoder.MCAST_GROUP6, ifindex);
            } catch (RuntimeException ignored) {
                // the interface may be gone; closing the socket leaves the group anyway
            }
        }
        socket.close();
    }
}
