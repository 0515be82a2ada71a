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
 * A TUN real server without the kernel's ipip (or ip_gre, or fou) module: a {@link TunDevice} that is up, carries each virtual
 * address as a /32 (also when {@code lo} has it: the kernel's reverse-path check rejects packets arriving on
 * an interface without an IPv4 address) and has {@code rp_filter} loose (2), so that packets from clients,
 * which the routing table reaches through another interface, are accepted on it; and a
 * {@link TunnelEndpoint} feeding it. Replies leave by the normal routes, straight to the client. Closing
 * removes the device and with it its addresses (a copy on {@code lo} stays) and its sysctl. The device
 * does not answer ARP; keeping other interfaces from answering for the virtual address is
 * {@link RealServerSetup}'s job.
 */
public final class RealServerTunnel implements AutoCloseable {
    private final TunDevice tun;
    private final TunnelEndpoint endpoint;
    private final List<IpAddress> addedToDevice;

    private RealServerTunnel(TunDevice tun, TunnelEndpoint endpoint, List<IpAddress> addedToDevice) {
        this.tun = tun;
        this.endpoint = endpoint;
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
                    nl.addAddress(index, vip, 32, null);
                    added.add(vip);
                }
            }
            Path rpFilter = procSys.resolve("net/ipv4/conf/" + tun.name() + "/rp_filter");
            try {
                Files.writeString(rpFilter, "2\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + rpFilter + ": " + e.getMessage(), e);
            }
            TunnelEndpoint endpoint = switch (type) {
                case IPIP -> TunnelEndpoint.ipip(tun, vips);
                case GRE -> TunnelEndpoint.gre(tun, vips);
                case GUE -> TunnelEndpoint.gue(tun, vips, guePort);
            };
            return new RealServerTunnel(tun, endpoint, added);
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

    public TunnelEndpoint endpoint() {
        return endpoint;
    }

    /** Decapsulates until {@code keepGoing} says stop. */
    public void run(BooleanSupplier keepGoing) {
        endpoint.run(keepGoing);
    }

    @Override
    public void close() {
        endpoint.close();
        tun.close();
    }
}
