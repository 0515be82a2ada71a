package io.jlvs.packet;

import io.jlvs.sys.LinkOffloads;
import io.jlvs.sys.NativeIoException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The receive offloads of the data plane's links while it runs, put back at {@link #close} (only what it
 * changed). GRO and LRO merge a train of TCP segments into one frame of up to 64 KiB before a packet socket
 * sees it (GRO is on by default on most devices). GRO describes what it merged (the segment size, a checksum
 * left for the card), as the kernel's own senders do, so AF_PACKET workers take such a frame whole and send
 * it on whole, as IPVS forwards the merged packet: there GRO {@link #prepare stays on}. What a packet
 * socket cannot be told (LRO merges without describing it; UDP merged by {@code rx-udp-gro-forwarding} or
 * {@code rx-gro-list}, which the kernel drops before the ring) is turned off; with AF_XDP or the XDP fast
 * path GRO goes off too (a generic XDP program copies every merged frame into one buffer first, and an AF_XDP
 * frame holds 2 KiB). GRO runs on the device that receives from the wire, so a link that is a VLAN, macvlan,
 * bond or bridge has the devices under it ({@code /sys/class/net/NAME/lower_*}) set too. A link that refuses
 * keeps its setting, with a warning.
 */
final class ReceiveOffloads implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReceiveOffloads.class.getName());
    /** UDP merging a packet socket cannot be told about ({@code ethtool -k} names). */
    private static final List<String> UDP_MERGING = List.of("rx-udp-gro-forwarding", "rx-gro-list");

    /** Puts an offload back. */
    private interface Undo {
        void run();
    }

    private final List<Undo> undo = new ArrayList<>();

    private ReceiveOffloads() {
    }

    /**
     * LRO and UDP merging off on {@code links} and the devices under them; GRO too unless {@code keepGro}
     * (the workers take merged TCP frames whole: AF_PACKET without the XDP fast path).
     */
    static ReceiveOffloads prepare(List<String> links, boolean keepGro) {
        ReceiveOffloads r = new ReceiveOffloads();
        for (String link : LinkStack.withLowerDevices(LinkStack.SYS_CLASS_NET, links)) {
            try {
                if (keepGro) {
                    // also with GRO off now: an operator may turn it on while the data plane runs
                    r.udpMergingOff(link);
                }
                if (LinkOffloads.gro(link)) {
                    if (!keepGro) {
                        LinkOffloads.gro(link, false);
                        r.undo(link, () -> LinkOffloads.gro(link, true));
                        LOG.log(System.Logger.Level.INFO, "GRO turned off on " + link
                                + " while the packet data plane runs (the XDP programs take frame by frame)");
                    }
                }
                if (LinkOffloads.lro(link)) {
                    LinkOffloads.lro(link, false);
                    r.undo(link, () -> LinkOffloads.lro(link, true));
                    LOG.log(System.Logger.Level.INFO, "LRO turned off on " + link
                            + " while the packet data plane runs (as the kernel does on a router)");
                }
            } catch (NativeIoException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "receive offloads of " + link + " left as they are ("
                        + e.getMessage() + "): merged frames the data plane cannot take will be dropped");
            }
        }
        return r;
    }

    /** GRO stays on: what it would merge for UDP, which a packet socket drops, is turned off. */
    private void udpMergingOff(String link) {
        for (String feature : UDP_MERGING) {
            if (LinkOffloads.feature(link, feature)) {
                LinkOffloads.feature(link, feature, false);
                undo(link, () -> LinkOffloads.feature(link, feature, true));
                LOG.log(System.Logger.Level.INFO, feature + " turned off on " + link
                        + " while the packet data plane runs (merged UDP cannot reach a packet socket)");
            }
        }
    }

    /**
     * Remembers how to put an offload of {@code link} back, for this link only: a link deleted and created
     * again under the same name (its sockets are reopened, and its offloads prepared anew) keeps what the new
     * one has, instead of getting the old one's settings at stop.
     */
    private void undo(String link, Undo action) {
        long index = ifindex(link);
        undo.add(() -> {
            if (index >= 0 && ifindex(link) == index) {
                action.run();
            }
        });
    }

    private static long ifindex(String link) {
        try {
            return Long.parseLong(Files.readString(LinkStack.SYS_CLASS_NET.resolve(link).resolve("ifindex")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (NativeIoException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "could not put a receive offload back: " + e.getMessage());
            }
        }
        undo.clear();
    }
}
