package io.jlvs.packet;

import io.jlvs.sys.LinkOffloads;
import io.jlvs.sys.NativeIoException;
import java.util.ArrayList;
import java.util.List;

/**
 * GRO and LRO off on the data plane's links while it runs, back on at {@link #close} (only what it turned
 * off). Both merge a train of TCP segments into one frame of up to 64 KiB before a packet socket sees it
 * (GRO is on by default on most devices); the data plane forwards frame by frame and such a frame does not
 * fit its rings, so bulk TCP through the director stalled. The kernel's IPVS re-segments instead; the kernel
 * itself turns LRO off on a forwarding host. GRO runs on the device that receives from the wire, so a link
 * that is a VLAN, macvlan, bond or bridge has the devices under it ({@code /sys/class/net/NAME/lower_*})
 * turned off too. A link that refuses keeps its setting, with a warning.
 */
final class ReceiveOffloads implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReceiveOffloads.class.getName());

    /** Turns an offload back on. */
    private interface Undo {
        void run();
    }

    private final List<Undo> undo = new ArrayList<>();

    private ReceiveOffloads() {
    }

    /** Turns GRO and LRO off on {@code links} and the devices under them. */
    static ReceiveOffloads turnOff(List<String> links) {
        ReceiveOffloads r = new ReceiveOffloads();
        for (String link : LinkStack.withLowerDevices(LinkStack.SYS_CLASS_NET, links)) {
            try {
                if (LinkOffloads.gro(link)) {
                    LinkOffloads.gro(link, false);
                    r.undo.add(() -> LinkOffloads.gro(link, true));
                    LOG.log(System.Logger.Level.INFO, "GRO turned off on " + link
                            + " while the packet data plane runs (it forwards frame by frame)");
                }
                if (LinkOffloads.lro(link)) {
                    LinkOffloads.lro(link, false);
                    r.undo.add(() -> LinkOffloads.lro(link, true));
                    LOG.log(System.Logger.Level.INFO, "LRO turned off on " + link
                            + " while the packet data plane runs (it forwards frame by frame)");
                }
            } catch (NativeIoException e) {
                LOG.log(System.Logger.Level.WARNING, "receive offloads of " + link + " left as they are ("
                        + e.getMessage() + "): merged frames larger than the MTU will be dropped as oversized");
            }
        }
        return r;
    }

    @Override
    public void close() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (NativeIoException e) {
                LOG.log(System.Logger.Level.WARNING, "could not turn a receive offload back on: " + e.getMessage());
            }
        }
        undo.clear();
    }
}
