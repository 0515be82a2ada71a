package io.jlvs.vrrp.runtime;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.AfPacketConfig;
import io.jlvs.sys.AfPacketIo;
import io.jlvs.sys.Errno;
import io.jlvs.sys.GratuitousArp;
import io.jlvs.sys.InterfaceAddress;
import io.jlvs.sys.LinkInfo;
import io.jlvs.sys.LinkMonitor;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.RtNetlink;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.transport.RawSocketVrrpTransport;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux host: rtnetlink for links and addresses, raw sockets for VRRP, one small AF_PACKET socket per
 * interface for gratuitous ARP, and a {@link LinkMonitor} for link changes. Needs CAP_NET_ADMIN and CAP_NET_RAW.
 * Address {@code scope} is not passed to the kernel (every virtual address is added with scope global).
 */
public final class LinuxVrrpHost implements VrrpHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxVrrpHost.class);
    private static final int ETH_P_ARP = 0x0806;

    private final RtNetlink netlink = RtNetlink.open();
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
            netlink.addAddress(index(interfaceName), a.address(), a.prefixLength(), a.label());
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
    public void sendGratuitousArp(String interfaceName, IpAddress address, int count) {
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
        netlink.close();
    }
}
