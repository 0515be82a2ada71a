package io.jlvs.sys;

import static io.jlvs.sys.NetlinkCodec.*;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
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
    private static final int NETLINK_ROUTE = 0;
    private static final int BUFFER = 1 << 16;
    private static final int TIMEOUT_MILLIS = 5000;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment request;
    private final MemorySegment response;
    private final MemorySegment kernel;
    private final MemorySegment pollfd;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private boolean closed;

    private RtNetlink() {
        this.fd = sys.socket(Abi.AF_NETLINK, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, NETLINK_ROUTE);
        this.request = arena.allocate(4096, 8);
        this.response = arena.allocate(BUFFER, 8);
        this.kernel = arena.allocate(Abi.SOCKADDR_NL_SIZE, 4);
        kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_NETLINK);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        try {
            sys.bind(fd, kernel);
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
    }

    public static RtNetlink open() {
        return new RtNetlink();
    }

    @FunctionalInterface
    private interface MessageVisitor {
        void visit(int type, int at, int length);
    }

    /** Sends the request in {@code request[0, length)} and feeds each answer to {@code visitor}. */
    private void transact(int length, String what, MessageVisitor visitor) {
        int mySeq = request.get(U32, 8);
        sys.sendto(fd, request, length, 0, kernel);
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            if (left == 0 || sys.poll(pollfd, 1, left) == 0) {
                throw new NativeIoException(what + " (no answer in " + TIMEOUT_MILLIS + " ms)", Errno.ETIMEDOUT.number());
            }
            long n = sys.recvfrom(fd, response, 0, MemorySegment.NULL, MemorySegment.NULL);
            if (n <= 0) {
                continue;
            }
            int at = 0;
            while (at + NLMSG_HDRLEN <= n) {
                int len = response.get(U32, at);
                int type = response.get(U16, at + 4) & 0xffff;
                int flags = response.get(U16, at + 6) & 0xffff;
                int s = response.get(U32, at + 8);
                if (len < NLMSG_HDRLEN || at + len > n) {
                    break;
                }
                if (s == mySeq) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        int error = response.get(U32, at + NLMSG_HDRLEN);
                        if (error != 0) {
                            throw new NativeIoException(what, -error);
                        }
                        return;
                    }
                    visitor.visit(type, at, len);
                    if ((flags & NLM_F_MULTI) == 0) {
                        return;
                    }
                }
                at += align(len);
            }
        }
    }

    private int next() {
        return ++seq;
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
        int at = header(request, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) Abi.AF_INET);
        at += IFADDRMSG_LEN;
        List<InterfaceAddress> out = new ArrayList<>();
        transact(finish(request, at), "RTM_GETADDR", (type, p, len) -> {
            if (type != RTM_NEWADDR) {
                return;
            }
            int m = p + NLMSG_HDRLEN;
            if ((response.get(ValueLayout.JAVA_BYTE, m) & 0xff) != Abi.AF_INET) {
                return;
            }
            int prefix = response.get(ValueLayout.JAVA_BYTE, m + 1) & 0xff;
            int index = response.get(U32, m + 4);
            IpAddress[] local = {null};
            IpAddress[] peer = {null};
            String[] label = {null};
            attributes(response, m + IFADDRMSG_LEN, p + len, (t, off, l) -> {
                switch (t) {
                    case IFA_LOCAL -> local[0] = ipv4(response, off);
                    case IFA_ADDRESS -> peer[0] = ipv4(response, off);
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
        int at = header(request, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) Abi.AF_INET);
        at += NDMSG_LEN;
        Neighbour[] found = {null};
        transact(finish(request, at), "RTM_GETNEIGH " + address, (type, p, len) -> {
            if (type != RTM_NEWNEIGH || found[0] != null) {
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
                } else if (t == NDA_LLADDR) {
                    mac[0] = NetlinkCodec.mac(response, off, l);
                }
            });
            if (address.equals(dst[0]) && (interfaceIndex == 0 || interfaceIndex == index)) {
                found[0] = new Neighbour(dst[0], mac[0], state, index);
            }
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The route the kernel would use for {@code destination} (RTM_GETROUTE): output interface, gateway and
     * source. Throws {@link NativeIoException} (ENETUNREACH, ...) when there is none.
     */
    public RouteInfo route(IpAddress destination) {
        if (!destination.isV4()) {
            throw new IllegalArgumentException("IPv4 destination expected: " + destination);
        }
        int at = header(request, RTM_GETROUTE, NLM_F_REQUEST, next());
        request.set(ValueLayout.JAVA_BYTE, at, (byte) Abi.AF_INET);
        request.set(ValueLayout.JAVA_BYTE, at + 1, (byte) 32);
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
                    case RTA_GATEWAY -> gw[0] = ipv4(response, off);
                    case RTA_PREFSRC -> src[0] = ipv4(response, off);
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
        if (closed) {
            return;
        }
        closed = true;
        sys.close(fd);
        arena.close();
    }
}
