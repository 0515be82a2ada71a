package io.jlvs.vrrp.runtime;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.sys.AfPacketConfig;
import io.jlvs.sys.AfPacketIo;
import io.jlvs.sys.Errno;
import io.jlvs.sys.GratuitousArp;
import io.jlvs.sys.InterfaceAddress;
import io.jlvs.sys.KernelRoute;
import io.jlvs.sys.KernelRule;
import io.jlvs.sys.LinkInfo;
import io.jlvs.sys.LinkMonitor;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.NeighbourAdvertisement;
import io.jlvs.sys.RtNetlink;
import io.jlvs.sys.RtNetlinkWriter;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.transport.RawSocket6VrrpTransport;
import io.jlvs.vrrp.transport.RawSocketVrrpTransport;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux host: rtnetlink for links and addresses, raw sockets for VRRP (IPv4, and IPv6 from the interface's
 * link-local address), one small AF_PACKET socket per interface for gratuitous ARP, a raw ICMPv6 socket for
 * unsolicited neighbour advertisements of IPv6 virtual addresses, and a {@link LinkMonitor} for link changes. Needs CAP_NET_ADMIN and CAP_NET_RAW.
 * Virtual addresses keep their {@code label} and {@code scope}; {@code virtual_routes} and {@code virtual_rules}
 * go through
 * {@link RtNetlinkWriter}.
 */
public final class LinuxVrrpHost implements VrrpHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxVrrpHost.class);
    private static final int ETH_P_ARP = 0x0806;
    private static final Path IF_INET6 = Path.of("/proc/net/if_inet6");
    private static final int IPV6_SCOPE_LINK = 0x20;
    private static final int IFA_F_TENTATIVE = 0x40;

    private final RtNetlink netlink = RtNetlink.open();
    private final RtNetlinkWriter writer = RtNetlinkWriter.open();
    private final Map<String, AfPacketIo> arpSockets = new HashMap<>();

    @Override
    public Optional<IpAddress> primaryAddress(String interfaceName, Collection<IpAddress> exclude) {
        int index = index(interfaceName);
        return netlink.addresses().stream()
                .filter(a -> a.interfaceIndex() == index && !exclude.contains(a.address()))
                .map(InterfaceAddress::address)
                .findFirst();
    }

    @Override
    public Optional<IpAddress> primaryAddress(String interfaceName, Collection<IpAddress> exclude,
                                              AddressFamily family) {
        if (family == AddressFamily.INET) {
            return primaryAddress(interfaceName, exclude);
        }
        // A link-local address still in duplicate address detection cannot be bound (EADDRNOTAVAIL): right
        // after an interface comes up, wait for DAD (one probe, 1 s by default) a bounded 5 s.
        long deadline = System.nanoTime() + DAD_WAIT_NANOS;
        while (true) {
            String text = readProc(IF_INET6);
            Optional<IpAddress> a = linkLocalAddress(text, interfaceName, exclude);
            if (a.isEmpty() || !tentative(text, a.get()) || System.nanoTime() > deadline) {
                return a;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        }
    }

    private static final long DAD_WAIT_NANOS = 5_000_000_000L;

    /** Whether {@code address} is marked tentative in {@code /proc/net/if_inet6}'s text. */
    static boolean tentative(String ifInet6, IpAddress address) {
        for (String line : ifInet6.split("\n")) {
            String[] f = line.trim().split("\s+");
            if (f.length >= 6 && f[0].length() == 32
                    && IpAddress.ofV6(Long.parseUnsignedLong(f[0].substring(0, 16), 16),
                    Long.parseUnsignedLong(f[0].substring(16), 16)).equals(address)) {
                return (Integer.parseInt(f[4], 16) & IFA_F_TENTATIVE) != 0;
            }
        }
        return false;
    }

    /**
     * The first link-local address of {@code interfaceName} in {@code /proc/net/if_inet6}'s text (lines of
     * address, ifindex, prefix length, scope, flags, name, all hex but the name), one that is not tentative first.
     */
    static Optional<IpAddress> linkLocalAddress(String ifInet6, String interfaceName, Collection<IpAddress> exclude) {
        IpAddress tentative = null;
        for (String line : ifInet6.split("\n")) {
            String[] f = line.trim().split("\s+");
            if (f.length < 6 || !f[5].equals(interfaceName) || Integer.parseInt(f[3], 16) != IPV6_SCOPE_LINK
                    || f[0].length() != 32) {
                continue;
            }
            IpAddress a = IpAddress.ofV6(Long.parseUnsignedLong(f[0].substring(0, 16), 16),
                    Long.parseUnsignedLong(f[0].substring(16), 16));
            if (exclude.contains(a)) {
                continue;
            }
            if ((Integer.parseInt(f[4], 16) & IFA_F_TENTATIVE) == 0) {
                return Optional.of(a);
            }
            tentative = tentative == null ? a : tentative;
        }
        return Optional.ofNullable(tentative);
    }

    private static String readProc(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public VrrpTransport openTransport(String interfaceName, boolean unicast, IpAddress source) {
        if (source.isV4()) {
            return openTransport(interfaceName, unicast);
        }
        return RawSocket6VrrpTransport.open(interfaceName, index(interfaceName), source, unicast);
    }

    @Override
    public boolean linkUp(String interfaceName) {
        return netlink.link(interfaceName).map(l -> l.up() && l.running()).orElse(false);
    }

    @Override
    public VrrpTransport openTransport(String interfaceName, boolean unicast) {
        return RawSocketVrrpTransport.open(interfaceName, index(interfaceName), unicast);
    }

    @Override
    public void addAddress(String interfaceName, VirtualIpAddress a) {
        try {
            writer.addAddress(index(interfaceName), a.address(), a.prefixLength(), a.label(), scope(a.scope()));
        } catch (NativeIoException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
        }
    }

    @Override
    public void removeAddress(String interfaceName, VirtualIpAddress a) {
        try {
            netlink.deleteAddress(index(interfaceName), a.address(), a.prefixLength());
        } catch (NativeIoException e) {
            if (!e.is(Errno.EADDRNOTAVAIL) && !e.is(Errno.ENODEV)) {
                throw e;
            }
        }
    }

    @Override
    public void addRoute(String instanceInterface, VirtualRoute r) {
        try {
            writer.addRoute(kernel(instanceInterface, r));
        } catch (NativeIoException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
        }
    }

    @Override
    public void removeRoute(String instanceInterface, VirtualRoute r) {
        try {
            writer.deleteRoute(kernel(instanceInterface, r));
        } catch (NativeIoException e) {
            if (!e.is(Errno.ESRCH) && !e.is(Errno.ENODEV)) {
                throw e;
            }
        }
    }

    @Override
    public void addRule(VirtualRule r) {
        try {
            writer.addRule(kernel(r));
        } catch (NativeIoException e) {
            if (!e.is(Errno.EEXIST)) {
                throw e;
            }
        }
    }

    @Override
    public void removeRule(VirtualRule r) {
        try {
            writer.deleteRule(kernel(r));
        } catch (NativeIoException e) {
            if (!e.is(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    private static KernelRule kernel(VirtualRule r) {
        return new KernelRule(r.from(), r.fromLength(), r.to(), r.toLength(), r.priority(), r.fwmark(), r.fwmask(),
                r.iif(), r.oif(), r.table());
    }

    private KernelRoute kernel(String instanceInterface, VirtualRoute r) {
        String dev = r.deviceOr(instanceInterface);
        int type = switch (r.type()) {
            case "blackhole" -> KernelRoute.BLACKHOLE;
            case "unreachable" -> KernelRoute.UNREACHABLE;
            case "prohibit" -> KernelRoute.PROHIBIT;
            default -> KernelRoute.UNICAST;
        };
        return new KernelRoute(type, r.destination(), r.prefixLength(), r.gateway(), dev == null ? 0 : index(dev),
                r.source(), r.metric(), r.table(), r.scope() == null ? -1 : scope(r.scope()));
    }

    /** {@code ip}'s scope names (or a number). */
    static int scope(String name) {
        return switch (name) {
            case "global", "universe" -> KernelRoute.SCOPE_UNIVERSE;
            case "site" -> KernelRoute.SCOPE_SITE;
            case "link" -> KernelRoute.SCOPE_LINK;
            case "host" -> KernelRoute.SCOPE_HOST;
            case "nowhere" -> 255;
            default -> Integer.parseInt(name);
        };
    }

    @Override
    public void sendGratuitousArp(String interfaceName, IpAddress address, int count) {
        if (!address.isV4()) {
            LinkInfo link = netlink.link(interfaceName)
                    .orElseThrow(() -> new IllegalArgumentException("no interface " + interfaceName));
            boolean router = readProc(Path.of("/proc/sys/net/ipv6/conf", interfaceName, "forwarding")).trim()
                    .equals("1");
            NeighbourAdvertisement.send(interfaceName, link.index(), address, link.mac(), router, count);
            return;
        }
        AfPacketIo io = arpSockets.computeIfAbsent(interfaceName, n -> AfPacketIo.open(
                AfPacketConfig.forInterface(n).ethertype(ETH_P_ARP).ring(1 << 16, 1).pollTimeoutMillis(0).build()));
        GratuitousArp.send(io, address, count);
    }

    @Override
    public AutoCloseable watchLinks(BiConsumer<String, Boolean> onChange) {
        LinkMonitor monitor = LinkMonitor.open(e -> {
            LinkInfo l = e.link();
            onChange.accept(l.name(), !e.removed() && l.up() && l.running());
        });
        monitor.start();
        return monitor;
    }

    private int index(String interfaceName) {
        return netlink.link(interfaceName).map(LinkInfo::index)
                .orElseThrow(() -> new IllegalArgumentException("no interface " + interfaceName));
    }

    @Override
    public void close() {
        for (AfPacketIo io : arpSockets.values()) {
            try {
                io.close();
            } catch (RuntimeException e) {
                LOG.debug("closing AF_PACKET socket: {}", e.toString());
            }
        }
        arpSockets.clear();
        writer.close();
        netlink.close();
    }
}
