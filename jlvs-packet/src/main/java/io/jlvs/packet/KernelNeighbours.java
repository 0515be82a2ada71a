package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import io.jlvs.sys.RtNetlink;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A {@link NeighbourTable} filled from the kernel's routes and ARP table through rtnetlink. Lookups
 * (data-plane threads) read an immutable {@link NeighbourCache} and never block; a miss is noted in a small
 * lock-free slot array. A refresher thread ({@link #refresh}, every {@code refreshMillis}) resolves the
 * noted and known addresses: RTM_GETROUTE for the next hop and output interface, then the neighbour
 * entry. An address the kernel has no usable entry for is made to resolve by sending one UDP datagram
 * to its discard port (9) from the director's own stack, which makes the kernel ARP for it (at most one
 * per address per second); the next refresh picks the answer up.
 */
final class KernelNeighbours implements NeighbourTable {
    private static final int MISS_SLOTS = 64;
    private static final int DISCARD_PORT = 9;
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

    private final int[] interfaceIndexes;
    private final AtomicIntegerArray misses = new AtomicIntegerArray(MISS_SLOTS);
    private final Set<Integer> wanted = new LinkedHashSet<>();
    private final Map<Integer, Long> lastProbe = new HashMap<>();
    private volatile NeighbourCache cache = NeighbourCache.EMPTY;
    private long resolutions;
    private long probes;

    /** @param interfaceIndexes the director's interfaces, in link order */
    KernelNeighbours(int[] interfaceIndexes) {
        this.interfaceIndexes = interfaceIndexes.clone();
    }

    @Override
    public long nextHopMac(int ipv4) {
        long mac = cache.mac(ipv4);
        if (mac == UNKNOWN && ipv4 != 0) {
            misses.set(Integer.hashCode(ipv4 * 0x9e3779b1) & (MISS_SLOTS - 1), ipv4);
        }
        return mac;
    }

    /** The link (index in the director's interface list) where {@code mac} was learnt, or -1. */
    int linkOf(long mac) {
        return cache.link(mac);
    }

    /** Control thread: addresses to keep resolved (real servers), before any packet needs them. */
    synchronized void want(Iterable<Integer> addresses) {
        for (int a : addresses) {
            wanted.add(a);
        }
    }

    long resolutions() {
        return resolutions;
    }

    long probes() {
        return probes;
    }

    /** Refresher thread: one pass over the noted misses and every wanted address. */
    synchronized void refresh(RtNetlink rtnl, long nowNanos) {
        for (int i = 0; i < MISS_SLOTS; i++) {
            int a = misses.getAndSet(i, 0);
            if (a != 0) {
                wanted.add(a);
            }
        }
        Map<Integer, Long> macs = new HashMap<>();
        Map<Long, Integer> links = new HashMap<>();
        for (int a : wanted) {
            IpAddress address = IpAddress.ofV4(a);
            RouteInfo route;
            try {
                route = rtnl.route(address);
            } catch (NativeIoException e) {
                continue;
            }
            int link = linkIndex(route.interfaceIndex());
            if (link < 0) {
                continue;
            }
            IpAddress hop = route.gateway() != null ? route.gateway() : address;
            Neighbour n = rtnl.neighbour(hop, route.interfaceIndex()).orElse(null);
            if (n != null && n.usable() && n.mac() != 0) {
                macs.put(a, n.mac());
                links.put(n.mac(), link);
                resolutions++;
            } else {
                probe(hop, nowNanos);
            }
        }
        NeighbourCache next = new NeighbourCache(macs, links);
        if (!next.equals(cache)) {
            cache = next;
        }
    }

    private int linkIndex(int ifindex) {
        for (int i = 0; i < interfaceIndexes.length; i++) {
            if (interfaceIndexes[i] == ifindex) {
                return i;
            }
        }
        return -1;
    }

    private void probe(IpAddress hop, long nowNanos) {
        Long last = lastProbe.get(hop.v4());
        if (last != null && nowNanos - last < PROBE_INTERVAL_NANOS) {
            return;
        }
        lastProbe.put(hop.v4(), nowNanos);
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] nothing = new byte[0];
            socket.send(new DatagramPacket(nothing, 0, InetAddress.getByAddress(hop.toBytes()), DISCARD_PORT));
            probes++;
        } catch (IOException e) {
            // unreachable now: tried again at the next interval
        }
    }
}
