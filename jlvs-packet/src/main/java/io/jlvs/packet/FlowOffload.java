package io.jlvs.packet;

import io.jlvs.sys.XdpFlowMap;
import java.lang.foreign.MemorySegment;

/**
 * A path below user space that forwards the later frames of an established flow direction without the
 * worker (the XDP program of {@link XdpLinkGroupIo}), and counts what it forwarded. A key is one direction of
 * a connection as its frames arrive: protocol (TCP or UDP), source address and port, destination address and
 * port (IPv4 addresses as {@link Ipv4Header} reads them, ports 0..65535). The fast path takes only TCP
 * segments without SYN, FIN or RST, and UDP datagrams, with no IP options, not fragmented and TTL above 1:
 * every other frame of an offloaded flow still comes to the worker. Owner: the worker thread.
 */
interface FlowOffload {
    /** {@link #offload}'s {@code encap}: the frame was rewritten in place (MASQ, DROUTE). */
    int IN_PLACE = 0;
    /** {@link #offload}'s {@code encap}: the frame left inside IPIP (TUNNEL). */
    int IPIP = XdpFlowMap.ENCAP_IPIP;
    /** {@link #offload}'s {@code encap}: the frame left inside GUE without UDP checksum (TUNNEL, --tun-type gue). */
    int GUE = XdpFlowMap.ENCAP_GUE;
    /** {@link #offload}'s {@code encap}: the frame left inside GRE without checksum (TUNNEL, --tun-type gre). */
    int GRE = XdpFlowMap.ENCAP_GRE;

    /**
     * From now on rewrites the frames matching the key exactly as the frame at {@code offset} of {@code frame}
     * was rewritten (Ethernet addresses, IPv4 addresses, transport ports, TTL less one, checksums adjusted)
     * and sends them out of the link it left by. Call right after {@link io.jlvs.core.io.PacketIo#transmit}
     * of that frame returned true. Replacing an offloaded key restarts its counters. {@link #readAll} names
     * the key by {@code owner}. With {@code encap} {@link #IPIP}, {@link #GUE} or {@link #GRE} the frame at {@code offset}
     * is the one sent, with its outer headers: later frames get the same ones (the inner datagram only
     * losing one from its TTL).
     *
     * @return false when the fast path cannot take the flow (its table is full, the frame is not eligible);
     *     nothing changed then
     */
    boolean offload(int owner, int protocol, int src, int sport, int dst, int dport, MemorySegment frame,
                    long offset, int encap);

    /**
     * Hands {@code sink}, for every offloaded key, its owner and the frames and bytes (whole Ethernet frames,
     * 14 bytes of header each) the fast path forwarded for it since it was offloaded, in a few calls
     * whatever the number of keys. The sink must not offload or forget keys.
     *
     * @return the keys reported
     */
    int readAll(XdpFlowMap.CountSink sink);

    /**
     * Stops the fast path for the key (its next frames come to the worker again) and leaves in
     * {@code counts[0]} and {@code counts[1]} the frames and bytes it forwarded for the key until then, read
     * in the same step as the removal so no frame goes uncounted.
     *
     * @return false when the key was not offloaded (counts untouched)
     */
    boolean forget(int protocol, int src, int sport, int dst, int dport, long[] counts);
}
