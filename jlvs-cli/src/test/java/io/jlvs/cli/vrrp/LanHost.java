package io.jlvs.cli.vrrp;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Errno;
import io.jlvs.sys.NativeIoException;
import io.jlvs.vrrp.runtime.VrrpHost;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One machine on an {@link InMemoryVrrpLan}, shared by all the routers of one VrrpService: interface eth0 with
 * one address, the VIPs it holds. Each router gets a LAN port of its own (under a made-up port address, as two
 * raw sockets on one host each hear every advert); the packets carry the machine's address. {@link #link} takes
 * eth0 down and up as netlink tells every router of it; while it is down, sends fail as sendto does (ENETUNREACH).
 */
final class LanHost implements VrrpHost {
    private final InMemoryVrrpLan lan;
    private final AtomicInteger ports;
    final IpAddress address;
    final Set<IpAddress> vips = ConcurrentHashMap.newKeySet();
    private volatile boolean linkUp = true;
    private final List<BiConsumer<String, Boolean>> linkWatchers = new CopyOnWriteArrayList<>();

    LanHost(InMemoryVrrpLan lan, AtomicInteger ports, String address) {
        this.lan = lan;
        this.ports = ports;
        this.address = IpAddress.parse(address);
    }

    @Override
    public Optional<IpAddress> primaryAddress(String interfaceName, Collection<IpAddress> exclude) {
        return Optional.of(address);
    }

    @Override
    public boolean linkUp(String interfaceName) {
        return linkUp;
    }

    /** One netlink message about eth0, to every router watching. */
    void link(boolean up) {
        linkUp = up;
        linkWatchers.forEach(w -> w.accept("eth0", up));
    }

    @Override
    public VrrpTransport openTransport(String interfaceName, boolean unicast) {
        VrrpTransport port = lan.attach(IpAddress.ofV4(0x7f000000 | ports.incrementAndGet()));
        return new VrrpTransport() {
            @Override
            public void send(byte[] ipPacket) {
                if (!linkUp) {
                    throw new NativeIoException("sendto", Errno.ENETUNREACH.number());
                }
                port.send(ipPacket);
            }

            @Override
            public byte[] poll() {
                return port.poll();
            }

            @Override
            public byte[] receive(int timeoutMillis) {
                return port.receive(timeoutMillis);
            }

            @Override
            public void close() {
                port.close();
            }
        };
    }

    @Override
    public void addAddress(String interfaceName, VirtualIpAddress a) {
        vips.add(a.address());
    }

    @Override
    public void removeAddress(String interfaceName, VirtualIpAddress a) {
        vips.remove(a.address());
    }

    @Override
    public void sendGratuitousArp(String interfaceName, IpAddress a, int count) {
    }

    @Override
    public AutoCloseable watchLinks(BiConsumer<String, Boolean> onChange) {
        linkWatchers.add(onChange);
        return () -> linkWatchers.remove(onChange);
    }

    @Override
    public void close() {
        // shared by the service's routers: nothing of its own to release
    }
}
