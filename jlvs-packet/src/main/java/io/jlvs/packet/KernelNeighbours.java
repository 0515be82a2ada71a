package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Errno;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A {@link NeighbourTable} filled from the kernel through rtnetlink, by route: each address the data plane
 * sends to is looked up once (RTM_GETROUTE, so policy rules apply) to its next hop (the address itself on
 * link, else its gateway), and every address behind one gateway shares that hop's MAC. Data-plane threads
 * read a {@link NextHopView} and never block; a miss is noted in a small lock-free slot array.
 *
 * <p>A refresher thread ({@link #refresh}, every 50 ms) does a bounded amount of work per pass, whatever
 * the number of clients: the routes of at most {@link #ROUTE_BUDGET} addresses (new ones first, then the
 * known ones in turn, so a route change reaches every address within {@code size / ROUTE_BUDGET} passes),
 * and one dump of the ARP table for the MACs of all hops. A hop the kernel has no usable entry for is made
 * to resolve ({@link KernelRoutes#resolve}) at most once a second. Addresses no frame was sent to for
 * {@link #AGE_NANOS} (real servers excepted) are forgotten, as the kernel's neighbour garbage collection
 * forgets stale entries, so the index holds the active clients, at most {@link #MAX_ADDRESSES}.
 */
final class KernelNeighbours implements NeighbourTable {
    static final int ROUTE_BUDGET = 256;
    /** {@link #hopFor}: the lookup failed, ask again at the next pass. */
    private static final int RETRY = -1;
    static final long AGE_NANOS = 60_000_000_000L;
    static final int MAX_ADDRESSES = 1 << 20;
    private static final int MISS_SLOT_BITS = 8;
    static final int MISS_SLOTS = 1 << MISS_SLOT_BITS;
    private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
    /** Unresolved hops asked about per pass (1,280 a second): many dead on-link clients cost no storm. */
    static final int PROBE_BUDGET = 64;

    /** A next hop: an address on one of the director's interfaces. */
    /**
     * A next hop: an address on one of the director's interfaces, and the source address the route to it
     * picks (its preferred source, 0: none; two routes through one gateway with different sources are two
     * hops with the same MAC, so a real server's tunnel source is its own route's, not a client's).
     */
    private record Hop(int ifindex, int address, int source) { }

    private int[] interfaceIndexes;
    /** IPv6 next hops. */
    private final KernelNeighbours6 v6;
    private final AtomicIntegerArray misses = new AtomicIntegerArray(MISS_SLOTS);
    private volatile NextHopView view = NextHopView.empty();
    // refresher-owned
    private final Set<Integer> pinned = new HashSet<>();
    private final Set<Integer> fresh = new LinkedHashSet<>();
    private final List<Hop> hops = new ArrayList<>(List.of(new Hop(0, 0, 0)));
    private final Map<Hop, Integer> hopIds = new HashMap<>();
    private final Map<Hop, Long> lastProbe = new HashMap<>();
    private int cursor;
    private int probeStart;
    private boolean started;
    private long nextAgeing;
    private long routeLookups;
    private long probes;
    private long overflows;

    /** @param interfaceIndexes the director's interfaces, in link order */
    KernelNeighbours(int[] interfaceIndexes) {
        this.interfaceIndexes = interfaceIndexes.clone();
        this.v6 = new KernelNeighbours6(interfaceIndexes);
    }

    @Override
    public long nextHopMac6(long hiBits, long loBits) {
        return v6.mac(hiBits, loBits);
    }

    @Override
    public boolean unreachable6(long hiBits, long loBits) {
        return v6.unreachable(hiBits, loBits);
    }

    @Override
    public boolean preferredSource6(long hiBits, long loBits, long[] into) {
        return v6.preferredSource(hiBits, loBits, into);
    }

    /** Control thread: the IPv6 real servers to keep resolved. */
    void want6(Set<IpAddress> addresses) {
        v6.want(addresses);
    }

    @Override
    public long nextHopMac(int ipv4) {
        NextHopView v = view;
        int hop = v.index.hop(ipv4);
        if (hop >= 0) {
            // indexed: its hop's MAC, UNKNOWN while the refresher resolves that hop (no miss to note: noting
            // it would take a slot a new address needs)
            return hop < v.hops() ? v.hopMac(hop) : UNKNOWN;
        }
        if (ipv4 != 0) {
            noteMiss(ipv4);
        }
        return UNKNOWN;
    }

    @Override
    public boolean unreachable(int ipv4) {
        return view.index.hop(ipv4) == NextHopView.UNREACHABLE;
    }

    @Override
    public int preferredSource(int ipv4) {
        NextHopView v = view;
        int hop = v.index.hop(ipv4);
        return hop > NextHopView.UNREACHABLE && hop < v.hops() ? v.hopSource(hop) : 0;
    }

    /**
     * Notes a miss for the refresher: in the address's slot or one of the next three free ones (addresses
     * sharing a slot would otherwise take turns forever in the same order), else over the first. The slot
     * comes from the product's top bits, which depend on every bit of the address.
     */
    private void noteMiss(int ipv4) {
        int first = (ipv4 * 0x9e3779b1) >>> (Integer.SIZE - MISS_SLOT_BITS);
        for (int k = 0; k < 4; k++) {
            int slot = (first + k) & (MISS_SLOTS - 1);
            int noted = misses.get(slot);
            if (noted == ipv4 || (noted == 0 && misses.compareAndSet(slot, 0, ipv4))) {
                return;
            }
        }
        misses.set(first, ipv4);
    }

    /** The link (index in the director's interface list) where {@code mac} was learnt, or -1. */
    int linkOf(long mac) {
        int link = view.link(mac);
        return link >= 0 ? link : v6.linkOf(mac);
    }

    /** Control thread: the addresses to keep resolved (real servers) before any packet needs them, and never age. */
    synchronized void want(Iterable<Integer> addresses) {
        pinned.clear();
        for (int a : addresses) {
            if (a != 0) {
                pinned.add(a);
            }
        }
    }

    /**
     * Refresher thread: the director's links have these interface indexes now (one was re-created): every
     * next hop is forgotten and looked up again, real servers at the next pass, clients as they send.
     */
    synchronized void relink(int[] indexes) {
        interfaceIndexes = indexes.clone();
        v6.relink(indexes);
        hops.subList(1, hops.size()).clear();
        hopIds.clear();
        lastProbe.clear();
        fresh.clear();
        view = NextHopView.empty();
    }

    long routeLookups() {
        return routeLookups;
    }

    long probes() {
        return probes + v6.probes();
    }

    /** Addresses indexed now. */
    int size() {
        return view.index.size() + v6.size();
    }

    /** Addresses not indexed because {@link #MAX_ADDRESSES} were. */
    long overflows() {
        return overflows;
    }

    /** Refresher thread: one bounded pass (see the class comment). */
    synchronized void refresh(KernelRoutes kernel, long nowNanos) {
        v6.refresh(kernel, nowNanos);
        NextHopView current = view;
        for (int i = 0; i < MISS_SLOTS; i++) {
            int a = misses.getAndSet(i, 0);
            if (a != 0 && !current.knows(a)) {
                fresh.add(a);
            }
        }
        for (int a : pinned) {
            if (!current.knows(a)) {
                fresh.add(a);
            }
        }
        Map<Integer, Integer> updates = new HashMap<>();
        int budget = ROUTE_BUDGET;
        var it = fresh.iterator();
        List<Integer> retry = new ArrayList<>();
        while (budget > 0 && it.hasNext()) {
            int a = it.next();
            it.remove();
            int hop = hopFor(kernel, a);
            if (hop == RETRY) {
                retry.add(a);
            } else {
                updates.put(a, hop);
            }
            budget--;
        }
        fresh.addAll(retry);
        AddressIndex index = current.index;
        for (int seen = 0; budget > 0 && index.size() > 0 && seen < index.capacity(); seen++) {
            int a = index.addressAt(cursor++);
            if (a != 0 && !updates.containsKey(a)) {
                int hop = hopFor(kernel, a);
                if (hop != RETRY && hop != index.peek(a)) {
                    updates.put(a, hop);
                }
                budget--;
            }
        }
        long[] macs = resolve(kernel, nowNanos);
        int[] links = new int[hops.size()];
        for (int h = 0; h < links.length; h++) {
            links[h] = h == NextHopView.UNREACHABLE ? -1 : linkIndex(hops.get(h).ifindex());
        }
        if (!started) {
            started = true;
            nextAgeing = nowNanos + AGE_NANOS;
        }
        boolean ageing = nowNanos - nextAgeing >= 0;
        if (ageing) {
            nextAgeing = nowNanos + AGE_NANOS;
        }
        int added = 0;
        for (int a : updates.keySet()) {
            if (index.peek(a) < 0) {
                added++;
            }
        }
        if (ageing || (index.size() + added + 1) * 2 > index.capacity()) {
            publishRebuilt(index, updates, macs, links, ageing);
            return;
        }
        int[] sources = sources(hops);
        if (!Arrays.equals(macs, hopMacs(current)) || !Arrays.equals(links, hopLinks(current))
                || !Arrays.equals(sources, hopSources(current))) {
            view = new NextHopView(index, macs, links, sources);
        }
        updates.forEach((address, hop) -> {
            if (index.size() < MAX_ADDRESSES || pinned.contains(address) || index.peek(address) >= 0) {
                index.put(address, hop);
            } else {
                overflows++;
            }
        });
    }

    /**
     * The hop id of {@code address}'s route (a new id for a hop not seen before), UNREACHABLE when the kernel
     * has no route, or RETRY when the lookup itself failed (a full socket buffer, an interrupted call).
     */
    private int hopFor(KernelRoutes kernel, int address) {
        RouteInfo route;
        try {
            route = kernel.route(IpAddress.ofV4(address));
        } catch (NativeIoException e) {
            boolean noRoute = e.is(Errno.ENETUNREACH) || e.is(Errno.EHOSTUNREACH) || e.is(Errno.EACCES)
                    || e.is(Errno.EINVAL) || e.is(Errno.ENETDOWN);
            return noRoute ? NextHopView.UNREACHABLE : RETRY;
        } finally {
            routeLookups++;
        }
        if (linkIndex(route.interfaceIndex()) < 0) {
            return NextHopView.UNREACHABLE;
        }
        int next = route.gateway() != null ? route.gateway().v4() : address;
        IpAddress source = route.preferredSource();
        Hop hop = new Hop(route.interfaceIndex(), next, source != null && source.isV4() ? source.v4() : 0);
        return hopIds.computeIfAbsent(hop, h -> {
            hops.add(h);
            return hops.size() - 1;
        });
    }

    /** Each hop's MAC from the ARP table (UNKNOWN when unusable), probing the unresolved ones. */
    private long[] resolve(KernelRoutes kernel, long nowNanos) {
        Map<Long, Long> known = new HashMap<>(); // (ifindex, address) -> MAC
        for (Neighbour n : kernel.neighbours()) {
            if (n.usable() && n.mac() != 0 && n.address().isV4()) {
                known.put(neighbourKey(n.interfaceIndex(), n.address().v4()), n.mac());
            }
        }
        long[] macs = new long[hops.size()];
        macs[NextHopView.UNREACHABLE] = UNKNOWN;
        int probeBudget = PROBE_BUDGET;
        int n = macs.length - 1;
        for (int k = 0; k < n; k++) {
            int h = 1 + (probeStart + k) % n; // each pass starts where the last one's probes stopped
            Long mac = known.get(neighbourKey(hops.get(h).ifindex(), hops.get(h).address()));
            macs[h] = mac != null ? mac : UNKNOWN;
            if (mac == null && probeBudget > 0 && probe(kernel, hops.get(h), nowNanos)) {
                probeBudget--;
                if (probeBudget == 0) {
                    probeStart = h % n;
                }
            }
        }
        return macs;
    }

    /**
     * A new index with {@code updates} applied; when {@code ageing}, without the unpinned addresses not used
     * since the last ageing, and with the hops nobody uses any more dropped and the rest renumbered.
     */
    private void publishRebuilt(AddressIndex index, Map<Integer, Integer> updates, long[] macs, int[] links,
                                boolean ageing) {
        Map<Integer, Integer> entries = new HashMap<>(updates);
        Set<Integer> stale = new HashSet<>();
        Set<Integer> usedSince = new HashSet<>();
        index.sweep((address, hop, used) -> {
            entries.putIfAbsent(address, hop);
            if (used) {
                usedSince.add(address);
            } else if (ageing && !pinned.contains(address) && !updates.containsKey(address)) {
                stale.add(address);
            }
        });
        stale.forEach(entries::remove);
        int[] renumbered = new int[hops.size()];
        Arrays.fill(renumbered, -1);
        renumbered[NextHopView.UNREACHABLE] = NextHopView.UNREACHABLE;
        List<Hop> kept = new ArrayList<>(List.of(hops.get(NextHopView.UNREACHABLE)));
        for (int hop : entries.values()) {
            if (renumbered[hop] < 0) {
                renumbered[hop] = kept.size();
                kept.add(hops.get(hop));
            }
        }
        long[] keptMacs = new long[kept.size()];
        int[] keptLinks = new int[kept.size()];
        for (int old = 0; old < renumbered.length; old++) {
            if (renumbered[old] >= 0) {
                keptMacs[renumbered[old]] = macs[old];
                keptLinks[renumbered[old]] = links[old];
            }
        }
        hops.clear();
        hops.addAll(kept);
        hopIds.clear();
        for (int h = 1; h < hops.size(); h++) {
            hopIds.put(hops.get(h), h);
        }
        lastProbe.keySet().retainAll(hopIds.keySet());
        int allowed = Math.min(entries.size(), MAX_ADDRESSES);
        if (entries.size() > allowed) {
            overflows += entries.size() - allowed;
        }
        AddressIndex next = new AddressIndex(Math.max(8, allowed * 4));
        int added = 0;
        for (Map.Entry<Integer, Integer> e : entries.entrySet()) {
            if (added >= allowed && !pinned.contains(e.getKey())) {
                continue;
            }
            next.put(e.getKey(), renumbered[e.getValue()]);
            added++;
        }
        if (!ageing) {
            usedSince.forEach(next::hop);
        }
        view = new NextHopView(next, keptMacs, keptLinks, sources(kept));
    }

    private static long[] hopMacs(NextHopView v) {
        long[] out = new long[v.hops()];
        for (int h = 0; h < out.length; h++) {
            out[h] = v.hopMac(h);
        }
        return out;
    }

    private int[] sources(List<Hop> list) {
        int[] out = new int[list.size()];
        for (int h = 1; h < out.length; h++) {
            out[h] = list.get(h).source();
        }
        return out;
    }

    private static long neighbourKey(int ifindex, int address) {
        return (long) ifindex << 32 | (address & 0xffffffffL);
    }

    private static int[] hopSources(NextHopView v) {
        int[] out = new int[v.hops()];
        for (int h = 0; h < out.length; h++) {
            out[h] = v.hopSource(h);
        }
        return out;
    }

    private static int[] hopLinks(NextHopView v) {
        int[] out = new int[v.hops()];
        for (int h = 0; h < out.length; h++) {
            out[h] = v.hopLink(h);
        }
        return out;
    }

    private int linkIndex(int ifindex) {
        for (int i = 0; i < interfaceIndexes.length; i++) {
            if (interfaceIndexes[i] == ifindex) {
                return i;
            }
        }
        return -1;
    }

    /** Asks the kernel to resolve {@code hop} unless it was asked within the last second; true when asked. */
    private boolean probe(KernelRoutes kernel, Hop hop, long nowNanos) {
        Long last = lastProbe.get(hop);
        if (last != null && nowNanos - last < PROBE_INTERVAL_NANOS) {
            return false;
        }
        lastProbe.put(hop, nowNanos);
        kernel.resolve(IpAddress.ofV4(hop.address()));
        probes++;
        return true;
    }
}
