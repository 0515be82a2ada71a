package io.jlvs.sys;

import static io.jlvs.sys.NetlinkCodec.*;

import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * NETLINK_ROUTE requests: links, IPv4 addresses (list, add with a label, delete), one neighbour, one route.
 * Each request waits for the kernel's complete answer; a refusal becomes a {@link NativeIoException} naming
 * the request and the errno the kernel returned. One owning thread.
 */
public final class RtNetlink implements AutoCloseable {
    private final NetlinkRouteSocket net = new NetlinkRouteSocket(4096, 1 << 16);
    private final MemorySegment request = net.request();
    private final MemorySegment response = net.response();

    private RtNetlink() {
    }

    public static RtNetlink open() {
        return new RtNetlink();
    }

    private void transact(int length, String what, NetlinkRouteSocket.MessageVisitor visitor) {
        net.transact(length, what, visitor);
    }

    private int next() {
        return net.next();
    }

    /** Every interface (RTM_GETLINK dump). */
    public List<LinkInfo> links() {
        int at = header(request, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, next());
        at += IFINFOMSG_LEN;
        List<LinkInfo> out = new ArrayList<>();
        transact(finish(request, at), "RTM_GETLINK", (type, p, len) -> {
            if (type == RTM_NEWLINK) {
                out.add(NetlinkCodec.link(response, p, len));
            }
        });
        return out;
    }

    public Optional<LinkInfo> link(String name) {
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** Adds {@code address/prefixLength} to the interface; {@code label} may be null (then the interface name). */
    public void addAddress(int interfaceIndex, IpAddress address, int prefixLength, String label) {
        int at = header(request, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, next());
        at = ifaddrmsg(at, interfaceIndex, address, prefixLength);
        if (label != null) {
            if (label.length() >= Abi.IFNAMSIZ) {
                throw new IllegalArgumentException("label longer than 15 characters: " + label);
            }
            at = attributeString(request, at, IFA_LABEL, label);
        }
        transact(finish(request, at), "RTM_NEWADDR " + address + "/" + prefixLength, (t, p, l) -> { });
    }

    public void deleteAddress(int interfaceIndex, IpAddress address, int prefixLength) {
        int at = header(request, RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, next());
        at = ifaddrmsg(at, interfaceIndex, address, prefixLength);
        transact(finish(request, at), "RTM_DELADDR " + address + "/" + prefixLength, (t, p, l) -> { });
    }

    private int ifaddrmsg(int at, int interfaceIndex, IpAddress address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > (address.isV4() ? 32 : 128)) {
            throw new IllegalArgumentException("prefix out of range: " + address + "/" + prefixLength);
        }
        request.set(ValueLayout.JAVA_BYTE, at, (byte) (address.isV4() ? Abi.AF_INET : RawIp6Socket.AF_INET6));
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) prefixLength);
        request.set(U32, at + 4, interfaceIndex);
        int a = at + IFADDRMSG_LEN;
        a = attribute(request, a, IFA_LOCAL, address.toBytes());
        return attribute(request, a, IFA_ADDRESS, address.toBytes());
    }

    /** Every IPv4 address on every interface (RTM_GETADDR dump). */
    public List<InterfaceAddress> addresses() {
        return addresses(Abi.AF_INET);
    }

    /** Every IPv6 address on every interface (RTM_GETADDR dump), link-local ones included. */
    public List<InterfaceAddress> addresses6() {
        return addresses(RawIp6Socket.AF_INET6);
    }

    private List<InterfaceAddress> addresses(int family) {
        int at = header(request, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) family);
        at += IFADDRMSG_LEN;
        List<InterfaceAddress> out = new ArrayList<>();
        transact(finish(request, at), "RTM_GETADDR", (type, p, len) -> {
            if (type != RTM_NEWADDR) {
                return;
            }
            int m = p + NLMSG_HDRLEN;
            if ((response.get(ValueLayout.JAVA_BYTE, m) & 0xff) != family) {
                return;
            }
            int prefix = response.get(ValueLayout.JAVA_BYTE, m + 1) & 0xff;
            int index = response.get(U32, m + 4);
            IpAddress[] local = {null};
            IpAddress[] peer = {null};
            String[] label = {null};
            attributes(response, m + IFADDRMSG_LEN, p + len, (t, off, l) -> {
                switch (t) {
                    case IFA_LOCAL -> local[0] = address(response, off, l);
                    case IFA_ADDRESS -> peer[0] = address(response, off, l);
                    case IFA_LABEL -> label[0] = string(response, off, l);
                    default -> { }
                }
            });
            IpAddress addr = local[0] != null ? local[0] : peer[0];
            if (addr != null) {
                out.add(new InterfaceAddress(index, addr, prefix, label[0]));
            }
        });
        return out;
    }

    /** The ARP entry for {@code address} on the interface (0 = any), from an RTM_GETNEIGH dump. */
    public Optional<Neighbour> neighbour(IpAddress address, int interfaceIndex) {
        return neighbours().stream()
                .filter(n -> n.address().equals(address) && (interfaceIndex == 0 || interfaceIndex == n.interfaceIndex()))
                .findFirst();
    }

    /** Every IPv4 neighbour (ARP) entry of every interface, in one RTM_GETNEIGH dump. */
    public List<Neighbour> neighbours() {
        return neighbours(Abi.AF_INET);
    }

    /** Every IPv6 neighbour (neighbour discovery) entry of every interface, in one RTM_GETNEIGH dump. */
    public List<Neighbour> neighbours6() {
        return neighbours(RawIp6Socket.AF_INET6);
    }

    private List<Neighbour> neighbours(int family) {
        int at = header(request, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) family);
        at += NDMSG_LEN;
        List<Neighbour> out = new ArrayList<>();
        transact(finish(request, at), "RTM_GETNEIGH", (type, p, len) -> {
            if (type != RTM_NEWNEIGH) {
                return;
            }
            int m = p + NLMSG_HDRLEN;
            int index = response.get(U32, m + 4);
            int state = response.get(U16, m + 8) & 0xffff;
            IpAddress[] dst = {null};
            long[] mac = {0};
            attributes(response, m + NDMSG_LEN, p + len, (t, off, l) -> {
                if (t == NDA_DST && l == 4) {
                    dst[0] = ipv4(response, off);
                } else if (t == NDA_DST && l == 16) {
                    dst[0] = ipv6(response, off);
                } else if (t == NDA_LLADDR) {
                    mac[0] = NetlinkCodec.mac(response, off, l);
                }
            });
            if (dst[0] != null) {
                out.add(new Neighbour(dst[0], mac[0], state, index));
            }
        });
        return out;
    }

    private static IpAddress ipv6(MemorySegment buf, int off) {
        byte[] raw = new byte[16];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, raw, 0, 16);
        return IpAddress.of(raw);
    }

    private static IpAddress address(MemorySegment buf, int off, int length) {
        return length == 16 ? ipv6(buf, off) : ipv4(buf, off);
    }

    /**
     * The route the kernel would use for {@code destination} (RTM_GETROUTE): output interface, gateway and
     * source. Throws {@link NativeIoException} (ENETUNREACH, ...) when there is none.
     */
    public RouteInfo route(IpAddress destination) {
        int at = header(request, RTM_GETROUTE, NLM_F_REQUEST, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) (destination.isV4() ? Abi.AF_INET : RawIp6Socket.AF_INET6));
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) (destination.isV4() ? 32 : 128));
        at = attribute(request, at + RTMSG_LEN, RTA_DST, destination.toBytes());
        RouteInfo[] found = {null};
        transact(finish(request, at), "RTM_GETROUTE " + destination, (type, p, len) -> {
            if (type != RTM_NEWROUTE) {
                return;
            }
            int[] oif = {0};
            IpAddress[] gw = {null};
            IpAddress[] src = {null};
            attributes(response, p + NLMSG_HDRLEN + RTMSG_LEN, p + len, (t, off, l) -> {
                switch (t) {
                    case RTA_OIF -> oif[0] = response.get(U32, off);
                    case RTA_GATEWAY -> gw[0] = address(response, off, l);
                    case RTA_PREFSRC -> src[0] = address(response, off, l);
                    default -> { }
                }
            });
            found[0] = new RouteInfo(destination, gw[0], oif[0], src[0]);
        });
        if (found[0] == null) {
            throw new NativeIoException("RTM_GETROUTE " + destination + " (no route in the answer)",
                    Errno.ENETUNREACH.number());
        }
        return found[0];
    }

    @Override
    public void close() {
        net.close();
    }
}
