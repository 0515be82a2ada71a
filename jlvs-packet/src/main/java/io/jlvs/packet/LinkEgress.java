package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * Where a frame a worker transmits leaves, for both worker I/Os ({@link LinkGroupIo}, {@link XdpLinkGroupIo}):
 * the link on which its destination MAC was resolved ({@link KernelNeighbours#linkOf}), else the link the
 * frame being handled came in on (ARP replies, ICMP errors). The frame takes that link's MAC as Ethernet
 * source (the data plane writes the first link's MAC as it was at start), and an ARP reply its sender MAC
 * too (a neighbour advertisement its target link-layer address); a link re-created with a new MAC gets it through {@link #mac}. It also says which received frames
 * are this host's ({@link #accepts}). Owner: the worker thread.
 */
final class LinkEgress {
    private static final int ETH_SRC = 6;
    private static final int ARP_SENDER_MAC = EthernetHeader.LENGTH + 8;

    private final KernelNeighbours neighbours;
    private final long[] macs;
    private final long startMac;

    /** {@code macs}: each link's MAC address, in link order (the first faces the clients). */
    LinkEgress(KernelNeighbours neighbours, long[] macs) {
        this.neighbours = neighbours;
        this.macs = macs.clone();
        this.startMac = macs[0];
    }

    private long otherHost;

    /** Link {@code link} has a new MAC address (it was re-created). */
    void mac(int link, long mac) {
        macs[link] = mac;
    }

    /** The links' MACs now, in link order (0: unknown, keep the one in use). */
    void macs(long[] now) {
        for (int i = 0; i < macs.length && i < now.length; i++) {
            if (now[i] != 0) {
                macs[i] = now[i];
            }
        }
    }

    /**
     * Whether a frame received on {@code link} is this host's ({@link EthernetHeader#forThisHost}); one
     * addressed to another host's MAC is counted and refused.
     */
    boolean accepts(MemorySegment frame, long offset, int length, int link) {
        if (length >= EthernetHeader.LENGTH && !EthernetHeader.forThisHost(frame, offset, macs[link])) {
            otherHost++;
            return false;
        }
        return true;
    }

    long otherHostFrames() {
        return otherHost;
    }

    /** Picks the link for {@code frame}, rewrites its source MAC(s) for it and returns its index. */
    int route(MemorySegment frame, long offset, int length, int receivingLink) {
        int link = macs.length == 1 ? 0 : neighbours.linkOf(EthernetHeader.dst(frame, offset));
        if (link < 0) {
            link = receivingLink;
        }
        long mac = macs[link];
        if (mac != startMac) {
            EthernetHeader.src(frame, offset, mac);
            if (length >= ARP_SENDER_MAC + 6 && EthernetHeader.type(frame, offset) == EthernetHeader.TYPE_ARP
                    && EthernetHeader.src(frame, offset + ARP_SENDER_MAC - ETH_SRC) == startMac) {
                EthernetHeader.src(frame, offset + ARP_SENDER_MAC - ETH_SRC, mac);
            }
            NeighbourResponder.relink(frame, offset, length, startMac, mac);
        }
        return link;
    }
}
