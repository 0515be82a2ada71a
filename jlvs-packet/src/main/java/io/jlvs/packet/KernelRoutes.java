package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import io.jlvs.sys.RtNetlink;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * What {@link KernelNeighbours} asks of the kernel: one route (policy rules apply), the whole ARP table, and
 * to start resolving a neighbour.
 */
interface KernelRoutes {
    int DISCARD_PORT = 9;

    /** The route to {@code destination}; throws {@link io.jlvs.sys.NativeIoException} when there is none. */
    RouteInfo route(IpAddress destination);

    /** Every IPv4 neighbour entry, in one dump. */
    List<Neighbour> neighbours();

    /** Every IPv6 neighbour entry, in one dump. */
    default List<Neighbour> neighbours6() {
        return List.of();
    }

    /**
     * Makes the kernel resolve {@code neighbour}: one empty UDP datagram to its discard port from the
     * director's own stack, which queues on the neighbour entry and sends ARP requests.
     */
    void resolve(IpAddress neighbour);

    /**
     * Makes the kernel resolve the IPv6 {@code neighbour} on the interface {@code ifindex}: as {@link #resolve},
     * to the address scoped to that interface, so that a link-local one (a gateway's fe80::1) is solicited on
     * the hop's link, not on whichever the kernel would pick.
     */
    default void resolve(IpAddress neighbour, int ifindex) {
        resolve(neighbour);
    }

    /**
     * Where a probe goes: an IPv4 address as it is, an IPv6 one scoped to {@code ifindex} (when not 0; the kernel
     * heeds the scope of link-local addresses only).
     */
    static InetAddress target(IpAddress neighbour, int ifindex) throws java.net.UnknownHostException {
        return neighbour.isV4() || ifindex == 0 ? InetAddress.getByAddress(neighbour.toBytes())
                : Inet6Address.getByAddress(null, neighbour.toBytes(), ifindex);
    }

    static KernelRoutes of(RtNetlink rtnl) {
        return new KernelRoutes() {
            @Override
            public RouteInfo route(IpAddress destination) {
                return rtnl.route(destination);
            }

            @Override
            public List<Neighbour> neighbours() {
                return rtnl.neighbours();
            }

            @Override
            public List<Neighbour> neighbours6() {
                return rtnl.neighbours6();
            }

            @Override
            public void resolve(IpAddress neighbour) {
                resolve(neighbour, 0);
            }

            @Override
            public void resolve(IpAddress neighbour, int ifindex) {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.send(new DatagramPacket(new byte[0], 0, target(neighbour, ifindex), DISCARD_PORT));
                } catch (IOException e) {
                    // unreachable now: asked again at the next interval
                }
            }
        };
    }
}
