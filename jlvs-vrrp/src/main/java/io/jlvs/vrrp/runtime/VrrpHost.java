package io.jlvs.vrrp.runtime;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.util.function.BiConsumer;

/**
 * What a {@link VrrpRouter} needs from the machine it runs on: interfaces, transports, addresses, gratuitous
 * ARP and (IPv6) unsolicited neighbour advertisements. {@link LinuxVrrpHost} is the real one. Called from the router's thread only, except {@link #watchLinks}'s
 * callback, which may come from any thread.
 */
public interface VrrpHost extends AutoCloseable {

    /** The first IPv4 address of the interface that is not in {@code exclude}; empty when it has none. */
    java.util.Optional<IpAddress> primaryAddress(String interfaceName, java.util.Collection<IpAddress> exclude);

    /**
     * The address an instance of {@code family} sends from: the first IPv4 address not in {@code exclude}, or
     * for IPv6 the interface's link-local address (RFC 5798 5.1.2.1). The default knows IPv4 only.
     */
    default java.util.Optional<IpAddress> primaryAddress(String interfaceName, java.util.Collection<IpAddress> exclude,
                                                         io.jlvs.core.AddressFamily family) {
        return family == io.jlvs.core.AddressFamily.INET ? primaryAddress(interfaceName, exclude)
                : java.util.Optional.empty();
    }

    /** Whether the interface exists and is up and running. */
    boolean linkUp(String interfaceName);

    /** Opens the VRRP transport on an interface (unicast or multicast). */
    VrrpTransport openTransport(String interfaceName, boolean unicast);

    /**
     * Opens the VRRP transport of an instance whose adverts come from {@code source} (its family picks IPv4 or
     * IPv6). The default ignores the source, as an IPv4-only host may.
     */
    default VrrpTransport openTransport(String interfaceName, boolean unicast, IpAddress source) {
        return openTransport(interfaceName, unicast);
    }

    /** Adds a virtual address (an address already there is not an error). */
    void addAddress(String interfaceName, VirtualIpAddress address);

    /** Removes a virtual address (an address already gone is not an error). */
    void removeAddress(String interfaceName, VirtualIpAddress address);

    /** Adds a {@code virtual_routes} route (one already there is not an error). */
    default void addRoute(String instanceInterface, VirtualRoute route) {
        throw new UnsupportedOperationException("virtual_routes are not supported on this host");
    }

    /** Removes a {@code virtual_routes} route (one already gone is not an error). */
    default void removeRoute(String instanceInterface, VirtualRoute route) {
        throw new UnsupportedOperationException("virtual_routes are not supported on this host");
    }

    /** Adds a {@code virtual_rules} rule (one already there is not an error). */
    default void addRule(VirtualRule rule) {
        throw new UnsupportedOperationException("virtual_rules are not supported on this host");
    }

    /** Removes a {@code virtual_rules} rule (one already gone is not an error). */
    default void removeRule(VirtualRule rule) {
        throw new UnsupportedOperationException("virtual_rules are not supported on this host");
    }

    /**
     * Sends {@code count} gratuitous ARPs for an IPv4 {@code address}, or {@code count} unsolicited neighbour
     * advertisements for an IPv6 one, out of the interface.
     */
    void sendGratuitousArp(String interfaceName, IpAddress address, int count);

    /** Calls {@code onChange(interface, up)} on every link change until the returned handle is closed. */
    AutoCloseable watchLinks(BiConsumer<String, Boolean> onChange);

    @Override
    void close();
}
