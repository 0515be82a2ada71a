package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A TUN real server without the kernel's ipip (or ip_gre, or fou; for IPv6 services ip6_tunnel or ip6_gre)
 * module: a {@link TunDevice} that is up, carries each virtual address as a /32 (also when {@code lo} has it:
 * the kernel's reverse-path check rejects packets arriving on an interface without an IPv4 address; an IPv6
 * one as a /128) and has {@code rp_filter} loose (2), so that packets from clients, which the routing table
 * reaches through another interface, are accepted on it; and a {@link TunnelEndpoint} feeding it, plus, for
 * IPv6 virtual addresses with IPIP or GRE, a second one receiving IPv6-in-IPv6 or GRE over IPv6 on its own
 * thread (GUE's socket takes both families). Replies leave by the normal routes, straight to the client. Closing
 * removes the device and with it its addresses (a copy on {@code lo} stays) and its sysctl. The device
 * does not answer ARP; keeping other interfaces from answering for the virtual address is
 * {@link RealServerSetup}'s job.
 */
public final class RealServerTunnel implements AutoCloseable {
    private final TunDevice tun;
    private final TunnelEndpoint endpoint;
    /** IPv6-in-IPv6's or GRE over IPv6's, for IPv6 virtual addresses; null when there are none, or for GUE. */
    private final TunnelEndpoint endpoint6;
    private final List<IpAddress> addedToDevice;

    private RealServerTunnel(TunDevice tun, TunnelEndpoint endpoint, TunnelEndpoint endpoint6,
                             List<IpAddress> addedToDevice) {
        this.tun = tun;
        this.endpoint = endpoint;
        this.endpoint6 = endpoint6;
        this.addedToDevice = List.copyOf(addedToDevice);
    }

    /**
     * Creates the device {@code device} and the endpoint for {@code type}: IPIP, GRE, or GUE on UDP port
     * {@code guePort} (ignored for the others). Needs CAP_NET_ADMIN and CAP_NET_RAW.
     */
    public static RealServerTunnel open(Set<IpAddress> vips, TunnelType type, int guePort, String device,
                                        Path procSys) {
        if (type == TunnelType.GUE && (guePort < 1 || guePort > 65535)) {
            throw new IllegalArgumentException("GUE port must be 1..65535: " + guePort);
        }
        TunDevice tun = TunDevice.open(device);
        try {
            tun.up();
            List<IpAddress> added = new ArrayList<>();
            try (RtNetlink nl = RtNetlink.open()) {
                int index = nl.link(tun.name()).orElseThrow(
                        () -> new IllegalStateException("the TUN device " + tun.name() + " vanished")).index();
                for (IpAddress vip : vips) {
                    nl.addAddress(index, vip, vip.isV4() ? 32 : 128, null);
                    added.add(vip);
                }
            }
            Path rpFilter = procSys.resolve("net/ipv4/conf/" + tun.name() + "/rp_filter");
            try {
                Files.writeString(rpFilter, "2\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + rpFilter + ": " + e.getMessage(), e);
            }
            boolean v4 = vips.stream().anyMatch(IpAddress::isV4);
            boolean v6 = vips.stream().anyMatch(a -> !a.isV4());
            TunnelEndpoint endpoint6 = v6 && type != TunnelType.GUE ? TunnelEndpoint.ipv6(tun, vips, type) : null;
            try {
                TunnelEndpoint endpoint = switch (type) {
                    case IPIP -> v4 ? TunnelEndpoint.ipip(tun, vips) : null;
                    case GRE -> v4 ? TunnelEndpoint.gre(tun, vips) : null;
                    case GUE -> TunnelEndpoint.gue(tun, vips, guePort);
                };
                return new RealServerTunnel(tun, endpoint, endpoint6, added);
            } catch (RuntimeException e) {
                if (endpoint6 != null) {
                    endpoint6.close();
                }
                throw e;
            }
        } catch (RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    public String deviceName() {
        return tun.name();
    }

    /** The virtual addresses on the device. */
    public List<IpAddress> addedToDevice() {
        return addedToDevice;
    }

    /** The endpoints: the IPv4 (or GUE) one, then the IPv6 one, those there are. */
    public List<TunnelEndpoint> endpoints() {
        List<TunnelEndpoint> all = new ArrayList<>(2);
        if (endpoint != null) {
            all.add(endpoint);
        }
        if (endpoint6 != null) {
            all.add(endpoint6);
        }
        return all;
    }

    /** Inner packets written to the device, by all endpoints. */
    public long delivered() {
        return endpoints().stream().mapToLong(TunnelEndpoint::delivered).sum();
    }

    /** Inner packets for another address, by all endpoints. */
    public long notForVirtualAddress() {
        return endpoints().stream().mapToLong(TunnelEndpoint::notForVirtualAddress).sum();
    }

    /** Packets without a usable inner packet, by all endpoints. */
    public long malformed() {
        return endpoints().stream().mapToLong(TunnelEndpoint::malformed).sum();
    }

    /** GRE packets with a wrong checksum, by all endpoints. */
    public long badChecksum() {
        return endpoints().stream().mapToLong(TunnelEndpoint::badChecksum).sum();
    }

    /**
     * Decapsulates until {@code keepGoing} says stop: the IPv6 endpoint, when there is one beside another, on a
     * thread of its own, joined before this returns.
     */
    public void run(BooleanSupplier keepGoing) {
        if (endpoint == null) {
            endpoint6.run(keepGoing);
            return;
        }
        Thread six = endpoint6 == null ? null : Thread.ofPlatform().name("rs-tunnel-ipv6").start(() -> endpoint6.run(keepGoing));
        try {
            endpoint.run(keepGoing);
        } finally {
            if (six != null) {
                try {
                    six.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        for (TunnelEndpoint e : endpoints()) {
            e.close();
        }
        tun.close();
    }
}
