package io.jlvs.packet;

import io.jlvs.sys.XdpFlowMap;
import java.lang.foreign.MemorySegment;

/**
 * Writes a {@link FlowOffload#offload} into an {@link XdpFlowMap}: the rewrite is read off the frame as it was
 * just sent (in place, or with its outer tunnel headers), leaving by interface {@code ifindex} whose MTU is
 * {@code mtu}.
 */
final class FastPathEntry {
    private FastPathEntry() {
    }

    static boolean put(XdpFlowMap flows, int owner, int protocol, int src, int sport, int dst, int dport,
                       MemorySegment frame, long offset, int encap, int ifindex, int mtu) {
        long ip = offset + EthernetHeader.LENGTH;
        if (EthernetHeader.type(frame, offset) != EthernetHeader.TYPE_IPV4
                || Ipv4Header.headerLength(frame, ip) != Ipv4Header.MIN_LENGTH) {
            return false;
        }
        long l4 = ip + Ipv4Header.MIN_LENGTH;
        if (encap != FlowOffload.IN_PLACE) {
            // the outer headers as sent; the frames arriving are that much shorter
            boolean gue = encap == FlowOffload.GUE;
            int overhead = Ipv4Header.MIN_LENGTH + switch (encap) {
                case FlowOffload.GUE -> UdpHeader.LENGTH + Egress.GUE_HEADER;
                case FlowOffload.GRE -> Egress.GRE_HEADER;
                default -> 0;
            };
            return flows.putTunnel(protocol, src, sport, dst, dport, encap, Ipv4Header.src(frame, ip),
                    Ipv4Header.dst(frame, ip), gue ? Wire.u16(frame, l4) : 0, gue ? Wire.u16(frame, l4 + 2) : 0,
                    ifindex, EthernetHeader.dst(frame, offset), EthernetHeader.src(frame, offset), owner,
                    mtu + EthernetHeader.LENGTH - overhead);
        }
        return flows.put(protocol, src, sport, dst, dport, Ipv4Header.src(frame, ip), Wire.u16(frame, l4),
                Ipv4Header.dst(frame, ip), Wire.u16(frame, l4 + 2), ifindex,
                EthernetHeader.dst(frame, offset), EthernetHeader.src(frame, offset), owner,
                mtu + EthernetHeader.LENGTH);
    }
}
