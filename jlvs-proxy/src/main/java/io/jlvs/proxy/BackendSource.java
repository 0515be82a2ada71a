package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The address the proxy connects to an IPv6 NAT, DR or TUN real server from (a local client's connection): the
 * kernel's choice, but never a virtual address. The kernel picks an IPv6 source by longest matching prefix, capped
 * at the address's prefix length (RFC 6724 rule 8), so a VIP/128 on the director's link in the real servers' /64
 * beats the director's own /64 address; a DR or TUN real server holds the VIP and would answer itself (IPv4 picks
 * the subnet's own address, never a /32 VIP). Then another address of the same interface is taken, by the same
 * rule among those that are no VIP.
 */
final class BackendSource {
    private BackendSource() {
    }

    /**
     * The address to bind before connecting to {@code target}, or null for the kernel's choice (IPv4, no VIP
     * chosen, or nothing else to take).
     */
    static InetAddress forTarget(InetSocketAddress target, Set<IpAddress> virtualAddresses) {
        if (!(target.getAddress() instanceof Inet6Address) || virtualAddresses.isEmpty()) {
            return null;
        }
        InetAddress chosen;
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
            // a UDP connect sends nothing: the kernel looks the route up and picks the source it would use
            probe.connect(target);
            chosen = ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!virtualAddresses.contains(IpAddress.of(chosen))) {
            return null;
        }
        try {
            NetworkInterface link = NetworkInterface.getByInetAddress(chosen);
            if (link == null) {
                return null;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (InterfaceAddress ia : link.getInterfaceAddresses()) {
                candidates.add(new Candidate(ia.getAddress(), ia.getNetworkPrefixLength()));
            }
            return choose(target.getAddress(), candidates, virtualAddresses);
        } catch (SocketException e) {
            return null;
        }
    }

    /** An address of an interface and its prefix length. */
    record Candidate(InetAddress address, int prefixLength) {
    }

    /**
     * Among {@code candidates}, the IPv6 address of the scope of {@code target} that is no virtual address and
     * shares the longest prefix with {@code target}, counted up to its own prefix length; null when none.
     */
    static InetAddress choose(InetAddress target, List<Candidate> candidates, Set<IpAddress> virtualAddresses) {
        byte[] to = target.getAddress();
        InetAddress best = null;
        int bestLength = -1;
        for (Candidate c : candidates) {
            InetAddress a = c.address();
            if (!(a instanceof Inet6Address) || a.isLinkLocalAddress() != target.isLinkLocalAddress()
                    || a.isLoopbackAddress() || a.isMulticastAddress() || virtualAddresses.contains(IpAddress.of(a))) {
                continue;
            }
            int length = Math.min(commonPrefix(a.getAddress(), to), c.prefixLength());
            if (length > bestLength) {
                best = a;
                bestLength = length;
            }
        }
        return best;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            int x = (a[i] ^ b[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return a.length * 8;
    }
}
