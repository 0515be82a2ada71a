package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * Rewrites a transport header for an address and port change of its IPv4 packet: TCP and UDP
 * checksums updated incrementally (RFC 1624) for the pseudo-header address and the port, keeping a
 * zero UDP checksum zero (none) and never producing one; SCTP's CRC32c recomputed when the port
 * changes (it does not cover addresses).
 */
public final class TransportNat {
    private TransportNat() {
    }

    /**
     * @param l4          transport header offset
     * @param l4Length    bytes from the transport header to the end of the IP datagram
     * @param portField   {@code 0} to rewrite the source port, {@code 2} the destination port
     */
    public static void rewrite(MemorySegment s, long l4, int l4Length, int protocol,
                               int oldAddress, int newAddress, int portField, int newPort) {
        int oldPort = Wire.u16(s, l4 + portField);
        switch (protocol) {
            case Ipv4Header.PROTO_TCP -> {
                int c = InternetChecksum.update32(TcpHeader.checksum(s, l4), oldAddress, newAddress);
                if (oldPort != newPort) {
                    c = InternetChecksum.update16(c, oldPort, newPort);
                    Wire.u16(s, l4 + portField, newPort);
                }
                TcpHeader.checksum(s, l4, c);
            }
            case Ipv4Header.PROTO_UDP -> {
                int c = UdpHeader.checksum(s, l4);
                Wire.u16(s, l4 + portField, newPort);
                if (c != 0) {
                    c = InternetChecksum.update32(c, oldAddress, newAddress);
                    c = InternetChecksum.update16(c, oldPort, newPort);
                    UdpHeader.checksum(s, l4, c == 0 ? 0xffff : c);
                }
            }
            case Ipv4Header.PROTO_SCTP -> {
                if (oldPort != newPort) {
                    Wire.u16(s, l4 + portField, newPort);
                    SctpHeader.fillChecksum(s, l4, l4Length);
                }
            }
            default -> throw new IllegalArgumentException("not a transport protocol: " + protocol);
        }
    }
}
