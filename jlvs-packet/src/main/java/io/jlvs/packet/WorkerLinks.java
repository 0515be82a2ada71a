package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.core.io.PacketIo;
import io.jlvs.sys.BpfFilter;
import io.jlvs.sys.XdpSteering;
import java.util.Set;

/**
 * One worker's sockets on the director's links, seen by its {@link Dataplane} as one {@link PacketIo}:
 * AF_PACKET rings ({@link LinkGroupIo}) or AF_XDP sockets behind an XDP steering program
 * ({@link XdpLinkGroupIo}). Owner: the worker thread.
 */
interface WorkerLinks extends PacketIo {

    /**
     * The frames user space must see changed: those to {@code destinations}, those from {@code masqServers}
     * ({@code filter} is the same set as a classic BPF filter, null for every frame; AF_XDP takes from the
     * servers only their replies, from {@code masqPorts}, and ICMP errors, leaving the rest to the kernel).
     */
    void steer(Set<IpAddress> destinations, Set<IpAddress> masqServers, Set<XdpSteering.ServerPort> masqPorts,
               BpfFilter filter);

    /**
     * The director's own addresses now: frames to them are the kernel's (AF_XDP steers them there even from
     * a NAT real server); AF_PACKET leaves every frame to the kernel anyway.
     */
    default void ownAddresses(Set<IpAddress> addresses) {
    }

    /** Waits until a frame is ready on one of the links, at most the poll interval. */
    void awaitFrames();

    /**
     * New sockets on link {@code link} (its index in the interface list), which was deleted and re-created
     * under the same name for the {@code generation}th time (the same number in every worker, so that all
     * join the same new fanout group); throws {@link io.jlvs.sys.NativeIoException} when it cannot be
     * opened (the old socket is kept).
     */
    void relink(int link, int generation);

    /**
     * The program for the fanout groups of this worker's sockets (PACKET_FANOUT_CBPF, with more than one
     * AF_PACKET worker): kept for the sockets it opens later, and set on the groups when {@code install}
     * (the groups are shared, so one worker installs it for all). AF_XDP has no fanout groups.
     */
    void fanoutProgram(BpfFilter program, boolean install);

    /** Where frames leave, which received ones are ours, and the links' MACs for both. */
    LinkEgress egress();

    /**
     * The links' MAC addresses now, in link order (0: unknown, keep the one in use): a bridge's changes when
     * it gets a port, a bond's when it fails over. Frames to the new one are ours, and leave from it.
     */
    default void linkMacs(long[] macs) {
        egress().macs(macs);
    }

    /** Frames addressed to another host's MAC, dropped ({@link EthernetHeader#forThisHost}), over the links. */
    default long otherHostFrames() {
        return egress().otherHostFrames();
    }

    /** Frames the kernel dropped because a ring was full, summed over the links. */
    long ringDrops();
}
