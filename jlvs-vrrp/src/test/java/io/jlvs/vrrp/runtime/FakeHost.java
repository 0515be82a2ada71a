package io.jlvs.vrrp.runtime;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/** A host on an {@link InMemoryVrrpLan}: one interface {@code eth0} with one address; records what it is asked. */
final class FakeHost implements VrrpHost {
    final InMemoryVrrpLan lan;
    final IpAddress address;
    final Set<IpAddress> addresses = new LinkedHashSet<>();
    final List<String> garps = new ArrayList<>();
    final Set<String> routes = new LinkedHashSet<>();
    final Map<String, Boolean> links = new HashMap<>(Map.of("eth0", true));
    BiConsumer<String, Boolean> linkListener;
    boolean closed;

    FakeHost(InMemoryVrrpLan lan, String address) {
        this.lan = lan;
        this.address = IpAddress.parse(address);
    }

    @Override
    public Optional<IpAddress> primaryAddress(String interfaceName, Collection<IpAddress> exclude) {
        return Optional.of(address);
    }

    @Override
    public Optional<IpAddress> primaryAddress(String interfaceName, Collection<IpAddress> exclude,
                                              io.jlvs.core.AddressFamily family) {
        return address.family() == family ? Optional.of(address) : Optional.empty();
    }

    @Override
    public boolean linkUp(String interfaceName) {
        return links.getOrDefault(interfaceName, false);
    }

    /** Runs (once) when a read finds the socket empty: what happens while the router's thread is not running. */
    Runnable onceSocketRead;

    @Override
    public VrrpTransport openTransport(String interfaceName, boolean unicast) {
        VrrpTransport port = lan.attach(address);
        return new VrrpTransport() {
            @Override
            public void send(byte[] ipPacket) {
                port.send(ipPacket);
            }

            @Override
            public byte[] poll() {
                byte[] p = port.poll();
                Runnable r = onceSocketRead;
                if (p == null && r != null) {
                    onceSocketRead = null;
                    r.run();
                }
                return p;
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
        addresses.add(a.address());
    }

    @Override
    public void removeAddress(String interfaceName, VirtualIpAddress a) {
        addresses.remove(a.address());
    }

    @Override
    public void addRoute(String instanceInterface, VirtualRoute route) {
        routes.add(route.toString());
    }

    @Override
    public void removeRoute(String instanceInterface, VirtualRoute route) {
        routes.remove(route.toString());
    }

    @Override
    public void addRule(VirtualRule rule) {
        routes.add("rule " + rule);
    }

    @Override
    public void removeRule(VirtualRule rule) {
        routes.remove("rule " + rule);
    }

    @Override
    public void sendGratuitousArp(String interfaceName, IpAddress a, int count) {
        for (int i = 0; i < count; i++) {
            garps.add(interfaceName + " " + a);
        }
    }

    @Override
    public AutoCloseable watchLinks(BiConsumer<String, Boolean> onChange) {
        linkListener = onChange;
        return () -> linkListener = null;
    }

    /** The link goes up or down, as a LinkMonitor would report it. */
    void link(String name, boolean up) {
        links.put(name, up);
        if (linkListener != null) {
            linkListener.accept(name, up);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
