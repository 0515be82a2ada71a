package io.jlvs.vrrp.transport;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.RawIpSocket;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * VRRP over a raw IPv4 socket for protocol 112, bound to one interface. Packets are sent whole (IP_HDRINCL: the
 * encoder's header, TTL 255, goes out as built) to the destination in their header. A multicast transport joins
 * 224.0.0.18 on the interface, sends multicast out of it with TTL 255 and loop off; a unicast one only binds.
 * Needs CAP_NET_RAW. One owning thread.
 */
public final class RawSocketVrrpTransport implements VrrpTransport {
    private static final int MAX_PACKET = 65535;

    private final RawIpSocket socket;
    private final int ifindex;
    private final boolean multicast;
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[MAX_PACKET]);
    private long sendFailures;

    private RawSocketVrrpTransport(RawIpSocket socket, int ifindex, boolean multicast) {
        this.socket = socket;
        this.ifindex = ifindex;
        this.multicast = multicast;
    }

    /** Opens a transport on {@code interfaceName} (index {@code ifindex}); multicast unless {@code unicast}. */
    public static RawSocketVrrpTransport open(String interfaceName, int ifindex, boolean unicast) {
        RawIpSocket s = RawIpSocket.open(VrrpPacketEncoder.IPPROTO_VRRP, true);
        try {
            s.bindToDevice(interfaceName);
            if (!unicast) {
                s.multicastInterface(ifindex);
                s.multicastTtl(VrrpPacketEncoder.VRRP_TTL);
                s.multicastLoop(false);
                s.joinGroup(VrrpPacketEncoder.MCAST_GROUP4, ifindex);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return new RawSocketVrrpTransport(s, ifindex, !unicast);
    }

    @Override
    public void send(byte[] ipPacket) {
        IpAddress to = IpAddress.of(Arrays.copyOfRange(ipPacket, 16, 20));
        if (socket.send(to, ipPacket) < 0) {
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
        return n < 0 ? null : buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Sends the socket refused because its queue was full. */
    public long sendFailures() {
        return sendFailures;
    }

    @Override
    public void close() {
        if (multicast) {
            try {
                socket.leaveGroup(VrrpPacketEncoder.MCAST_GROUP4, ifindex);
            } catch (RuntimeException ignored) {
                // the interface may be gone; closing the socket leaves the group anyway
            }
        }
        socket.close();
    }
}
