package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Errno;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The IPv6 half of {@link KernelNeighbours}: next-hop MACs of IPv6 real servers and clients, by route
 * (RTM_GETROUTE for the address: on link, or its gateway) and the kernel's neighbour-discovery table
 * (RTM_GETNEIGH, AF_INET6). A hop the kernel has not resolved is made to resolve with one empty UDP datagram
 * to its discard port, as for IPv4: the kernel then sends a neighbour solicitation. Simpler than the IPv4
 * index, for the few IPv6 addresses a first IPv6 deployment has: each pass looks up the routes of new
 * addresses (at most {@link #ROUTE_BUDGET}) and of {@link #RECHECK_BUDGET} known ones in turn, and publishes
 * a new immutable {@link View} when anything changed; addresses not used for a minute are forgotten (real
 * servers are kept).
 *
 * <p>Data-plane threads call {@link #mac} (no allocation, no lock: a miss is noted in a slot array); the
 * refresher thread calls the rest.
 */
final class KernelNeighbours6 {
    static final int ROUTE_BUDGET = 256;
    static final int RECHECK_BUDGET = 32;
    static final int MISS_SLOTS = 64;
    private static final long AGE_NANOS = KernelNeighbours.AGE_NANOS;
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    private static final int FREE = 0;
    private static final int WRITING = 1;
    private static final int READY = 2;
    /** A view entry's MAC for an address with no route through the data plane's links (local, or elsewhere). */
    static final long UNREACHABLE = -2L;

    /** A next hop: the interface and the neighbour's address on it. */
    private record Hop(int ifindex, IpAddress address) {
    }

    /**
     * Immutable: address → MAC, link and the route's preferred source; MAC → link. {@code used} is set by readers
     * (a benign race). An entry's value is {mac} or {mac, srcHi, srcLo} when the route names a source.
     */
    static final class View {
        static final View EMPTY = new View(new HashMap<>(), new HashMap<>());
        final long[] hi;
        final long[] lo;
        final long[] macs;
        final long[] sourceHi;
        final long[] sourceLo;
        final boolean[] hasSource;
        final boolean[] present;
        final boolean[] used;
        final int mask;
        final long[] macKeys;
        final int[] macLinks;
        final int macMask;

        View(Map<IpAddress, long[]> entries, Map<Long, Integer> links) {
            int size = Integer.highestOneBit(Math.max(1, entries.size()) * 4 - 1) << 1;
            hi = new long[size];
            lo = new long[size];
            macs = new long[size];
            sourceHi = new long[size];
            sourceLo = new long[size];
            hasSource = new boolean[size];
            present = new boolean[size];
            used = new boolean[size];
            mask = size - 1;
            entries.forEach((a, v) -> {
                int i = slot(a.hi(), a.lo()) & mask;
                while (present[i]) {
                    i = (i + 1) & mask;
                }
                hi[i] = a.hi();
                lo[i] = a.lo();
                macs[i] = v[0];
                if (v.length == 3) {
                    hasSource[i] = true;
                    sourceHi[i] = v[1];
                    sourceLo[i] = v[2];
                }
                present[i] = true;
            });
            int msize = Integer.highestOneBit(Math.max(1, links.size()) * 4 - 1) << 1;
            macKeys = new long[msize];
            macLinks = new int[msize];
            java.util.Arrays.fill(macLinks, -1);
            macMask = msize - 1;
            links.forEach((mac, link) -> {
                int i = Long.hashCode(mac * 0x9E3779B97F4A7C15L) & macMask;
                while (macLinks[i] >= 0) {
                    i = (i + 1) & macMask;
                }
                macKeys[i] = mac;
                macLinks[i] = link;
            });
        }

        int find(long h, long l) {
            int i = slot(h, l) & mask;
            while (present[i]) {
                if (hi[i] == h && lo[i] == l) {
                    return i;
                }
                i = (i + 1) & mask;
            }
            return -1;
        }

        int link(long mac) {
            int i = Long.hashCode(mac * 0x9E3779B97F4A7C15L) & macMask;
            while (macLinks[i] >= 0) {
                if (macKeys[i] == mac) {
                    return macLinks[i];
                }
                i = (i + 1) & macMask;
            }
            return -1;
        }

        int size() {
            int n = 0;
            for (boolean p : present) {
                n += p ? 1 : 0;
            }
            return n;
        }
    }

    private final AtomicIntegerArray missState = new AtomicIntegerArray(MISS_SLOTS);
    private final AtomicLongArray missAddress = new AtomicLongArray(2 * MISS_SLOTS);
    private volatile View view = View.EMPTY;
    // refresher-owned
    private int[] interfaceIndexes;
    private final Set<IpAddress> pinned = new HashSet<>();
    private final Set<IpAddress> fresh = new LinkedHashSet<>();
    /** Known addresses: their hop (null: no route through our links) and when a frame last went to them. */
    private final Map<IpAddress, Hop> routes = new HashMap<>();
    /** The preferred source of each known address's route, when it names one (a TUN real server's outer source). */
    private final Map<IpAddress, IpAddress> sources = new HashMap<>();
    private final Map<IpAddress, Long> lastUsed = new HashMap<>();
    private final Map<Hop, Long> lastProbe = new HashMap<>();
    private List<IpAddress> recheckOrder = new ArrayList<>();
    /** Counts up and wraps (after 2^31 rechecks, ~39 days of 32 a pass); package-private for a test. */
    int recheckCursor;
    private long probes;

    KernelNeighbours6(int[] interfaceIndexes) {
        this.interfaceIndexes = interfaceIndexes.clone();
    }

    /** Any thread: the next hop's MAC of (hi, lo), or {@link NeighbourTable#UNKNOWN} (a miss is noted). */
    long mac(long hi, long lo) {
        View v = view;
        int i = v.find(hi, lo);
        if (i >= 0) {
            if (!v.used[i]) {
                v.used[i] = true;
            }
            long mac = v.macs[i];
            return mac == UNREACHABLE ? NeighbourTable.UNKNOWN : mac;
        }
        noteMiss(hi, lo);
        return NeighbourTable.UNKNOWN;
    }

    /**
     * Any thread: the preferred source of the route to (hi, lo) into {@code into} (high, low); false when the
     * route is not known (yet) or names none.
     */
    boolean preferredSource(long hi, long lo, long[] into) {
        View v = view;
        int i = v.find(hi, lo);
        if (i < 0 || !v.hasSource[i]) {
            return false;
        }
        into[0] = v.sourceHi[i];
        into[1] = v.sourceLo[i];
        return true;
    }

    /** Any thread: whether (hi, lo) is known to have no route through the data plane's links. */
    boolean unreachable(long hi, long lo) {
        View v = view;
        int i = v.find(hi, lo);
        return i >= 0 && v.macs[i] == UNREACHABLE;
    }

    /** The link where {@code mac} was resolved for an IPv6 hop, or -1. */
    int linkOf(long mac) {
        return view.link(mac);
    }

    private void noteMiss(long hi, long lo) {
        int first = slot(hi, lo) >>> 1 & (MISS_SLOTS - 1);
        for (int k = 0; k < 4; k++) {
            int s = (first + k) & (MISS_SLOTS - 1);
            if (missState.get(s) == READY && missAddress.get(2 * s) == hi && missAddress.get(2 * s + 1) == lo) {
                return;
            }
            if (missState.compareAndSet(s, FREE, WRITING)) {
                missAddress.set(2 * s, hi);
                missAddress.set(2 * s + 1, lo);
                missState.set(s, READY);
                return;
            }
        }
        // all four taken: the address misses again at its next frame
    }

    /** Control thread: the IPv6 real servers, kept resolved and never aged. */
    synchronized void want(Set<IpAddress> addresses) {
        pinned.clear();
        pinned.addAll(addresses);
    }

    /** The director's links were re-created: everything is looked up again. */
    synchronized void relink(int[] indexes) {
        interfaceIndexes = indexes.clone();
        routes.clear();
        sources.clear();
        lastProbe.clear();
        fresh.clear();
        view = View.EMPTY;
    }

    long probes() {
        return probes;
    }

    int size() {
        return view.size();
    }

    /** Refresher thread: one bounded pass. */
    synchronized void refresh(KernelRoutes kernel, long nowNanos) {
        View current = view;
        for (int s = 0; s < MISS_SLOTS; s++) {
            if (missState.get(s) == READY) {
                IpAddress a = IpAddress.ofV6(missAddress.get(2 * s), missAddress.get(2 * s + 1));
                missState.set(s, FREE);
                lastUsed.put(a, nowNanos);
                if (!routes.containsKey(a)) {
                    fresh.add(a);
                }
            }
        }
        for (int i = 0; i < current.present.length; i++) {
            if (current.present[i] && current.used[i]) {
                current.used[i] = false;
                lastUsed.put(IpAddress.ofV6(current.hi[i], current.lo[i]), nowNanos);
            }
        }
        for (IpAddress a : pinned) {
            if (!routes.containsKey(a)) {
                fresh.add(a);
            }
        }
        boolean changed = false;
        int budget = ROUTE_BUDGET;
        var it = fresh.iterator();
        while (budget-- > 0 && it.hasNext()) {
            IpAddress a = it.next();
            it.remove();
            changed |= lookUp(kernel, a);
        }
        if (!recheckOrder.isEmpty()) {
            for (int k = 0; k < Math.min(RECHECK_BUDGET, recheckOrder.size()); k++) {
                IpAddress a = recheckOrder.get(Math.floorMod(recheckCursor++, recheckOrder.size()));
                if (routes.containsKey(a)) {
                    changed |= lookUp(kernel, a);
                }
            }
        }
        // forget what no frame went to for a minute (real servers stay)
        var aged = routes.keySet().iterator();
        while (aged.hasNext()) {
            IpAddress a = aged.next();
            Long used = lastUsed.get(a);
            if (!pinned.contains(a) && (used == null || nowNanos - used > AGE_NANOS)) {
                aged.remove();
                lastUsed.remove(a);
                sources.remove(a);
                changed = true;
            }
        }
        if (routes.isEmpty() && current == View.EMPTY) {
            return;
        }
        Map<String, Long> known = new HashMap<>();
        for (Neighbour n : kernel.neighbours6()) {
            if (n.usable() && n.mac() != 0 && !n.address().isV4()) {
                known.put(n.interfaceIndex() + "/" + n.address(), n.mac());
            }
        }
        Map<IpAddress, long[]> entries = new HashMap<>();
        Map<Long, Integer> links = new HashMap<>();
        int probeBudget = KernelNeighbours.PROBE_BUDGET;
        for (Map.Entry<IpAddress, Hop> e : routes.entrySet()) {
            Hop hop = e.getValue();
            if (hop == null) {
                entries.put(e.getKey(), new long[] {UNREACHABLE});
                continue;
            }
            Long mac = known.get(hop.ifindex() + "/" + hop.address());
            if (mac == null) {
                if (probeBudget > 0 && probe(kernel, hop, nowNanos)) {
                    probeBudget--;
                }
                entries.put(e.getKey(), new long[] {NeighbourTable.UNKNOWN});
                continue;
            }
            IpAddress source = sources.get(e.getKey());
            entries.put(e.getKey(), source == null ? new long[] {mac} : new long[] {mac, source.hi(), source.lo()});
            links.put(mac, linkIndex(hop.ifindex()));
        }
        if (changed || !sameAs(current, entries)) {
            view = new View(entries, links);
            recheckOrder = new ArrayList<>(routes.keySet());
        }
    }

    private static boolean sameAs(View v, Map<IpAddress, long[]> entries) {
        if (v.size() != entries.size()) {
            return false;
        }
        for (Map.Entry<IpAddress, long[]> e : entries.entrySet()) {
            int i = v.find(e.getKey().hi(), e.getKey().lo());
            long[] value = e.getValue();
            if (i < 0 || v.macs[i] != value[0] || v.hasSource[i] != (value.length == 3)
                    || value.length == 3 && (v.sourceHi[i] != value[1] || v.sourceLo[i] != value[2])) {
                return false;
            }
        }
        return true;
    }

    /** Looks up {@code a}'s route; true when its hop changed. A failed lookup (not "no route") is retried. */
    private boolean lookUp(KernelRoutes kernel, IpAddress a) {
        Hop hop;
        IpAddress source = null;
        try {
            RouteInfo route = kernel.route(a);
            hop = linkIndex(route.interfaceIndex()) < 0 ? null
                    : new Hop(route.interfaceIndex(), route.gateway() != null ? route.gateway() : a);
            source = route.preferredSource() != null && !route.preferredSource().isV4() ? route.preferredSource()
                    : null;
        } catch (NativeIoException e) {
            boolean noRoute = e.is(Errno.ENETUNREACH) || e.is(Errno.EHOSTUNREACH) || e.is(Errno.EACCES)
                    || e.is(Errno.EINVAL) || e.is(Errno.ENETDOWN);
            if (!noRoute) {
                fresh.add(a);
                return false;
            }
            hop = null;
        }
        boolean had = routes.containsKey(a);
        Hop before = routes.put(a, hop);
        IpAddress sourceBefore = source == null ? sources.remove(a) : sources.put(a, source);
        lastUsed.putIfAbsent(a, 0L);
        return !had || !java.util.Objects.equals(before, hop) || !java.util.Objects.equals(sourceBefore, source);
    }

    private boolean probe(KernelRoutes kernel, Hop hop, long nowNanos) {
        Long last = lastProbe.get(hop);
        if (last != null && nowNanos - last < PROBE_INTERVAL_NANOS) {
            return false;
        }
        lastProbe.put(hop, nowNanos);
        kernel.resolve(hop.address(), hop.ifindex());
        probes++;
        return true;
    }

    private int linkIndex(int ifindex) {
        for (int i = 0; i < interfaceIndexes.length; i++) {
            if (interfaceIndexes[i] == ifindex) {
                return i;
            }
        }
        return -1;
    }

    private static int slot(long h, long l) {
        long z = (h ^ Long.rotateLeft(l, 29)) * 0x9E3779B97F4A7C15L;
        return (int) (z ^ (z >>> 32));
    }
}
