package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Errno;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The director's next hops, against a scripted kernel: clients behind a gateway share its MAC, a pass
 * costs the same whatever the number of clients, route changes and ARP answers arrive, idle clients are
 * forgotten and real servers are not.
 */
class KernelNeighboursTest {
    private static final int LINK = 7;
    private static final int OTHER_LINK = 9;
    private static final int GATEWAY = ip("10.0.0.1");
    private static final int GATEWAY_2 = ip("10.0.0.254");
    private static final long GATEWAY_MAC = 0x02000000_0001L;
    private static final long GATEWAY_2_MAC = 0x02000000_00feL;
    private static final long SECOND = 1_000_000_000L;
    private static final int REAL_SERVER = ip("10.0.0.21");
    private static final long REAL_SERVER_MAC = 0x02000000_0021L;

    /** 10.0.0.0/16 on link, 172.16.0.0/12 on another interface, everything else via the gateway. */
    private static final class ScriptedKernel implements KernelRoutes {
        volatile int gateway = GATEWAY;
        volatile int link = LINK;
        /** The preferred source of the on-link route (0: none). */
        volatile int source;
        /** Per destination, the preferred source of its route (policy routing), before the rules above. */
        final Map<Integer, Integer> routeSources = new ConcurrentHashMap<>();
        final Map<Integer, Long> arp = new ConcurrentHashMap<>();
        final List<Integer> resolveRequests = new ArrayList<>();
        int routeLookups;
        int dumps;
        int transientFailures;

        @Override
        public RouteInfo route(IpAddress destination) {
            routeLookups++;
            if (transientFailures > 0) {
                transientFailures--;
                throw new NativeIoException("RTM_GETROUTE " + destination, Errno.ENOBUFS.number());
            }
            int a = destination.v4();
            if ((a >>> 24) == 192) {
                throw new NativeIoException("RTM_GETROUTE " + destination, Errno.ENETUNREACH.number());
            }
            if ((a & 0xfff00000) == ip("172.16.0.0")) {
                return new RouteInfo(destination, null, OTHER_LINK, null);
            }
            if ((a & 0xffff0000) == ip("10.0.0.0")) {
                return new RouteInfo(destination, null, link, source == 0 ? null : IpAddress.ofV4(source));
            }
            Integer via = routeSources.get(a);
            return new RouteInfo(destination, IpAddress.ofV4(gateway), link, via == null ? null : IpAddress.ofV4(via));
        }

        @Override
        public List<Neighbour> neighbours() {
            dumps++;
            List<Neighbour> out = new ArrayList<>();
            arp.forEach((a, mac) -> out.add(new Neighbour(IpAddress.ofV4(a), mac, 0x02, link)));
            return out;
        }

        @Override
        public void resolve(IpAddress neighbour) {
            resolveRequests.add(neighbour.v4());
        }
    }

    /** A kernel that knows the gateway's MAC. */
    private static ScriptedKernel withGateway() {
        ScriptedKernel kernel = new ScriptedKernel();
        kernel.arp.put(GATEWAY, GATEWAY_MAC);
        return kernel;
    }

    private static int ip(String s) {
        return IpAddress.parse(s).v4();
    }

    private static final int CLIENTS = ip("198.18.0.0");

    private static int client(int i) {
        return CLIENTS + i + 1;
    }

    /**
     * The route's preferred source towards a real server (what IPVS puts in a tunnel's outer header) is known
     * once the real server is resolved, and follows a change of the route within a pass; 0 for an address
     * not looked up, or a route without one.
     */
    @Test
    void theRoutesPreferredSourceTowardsAnAddressIsKnownAndFollowed() {
        ScriptedKernel kernel = withGateway();
        kernel.arp.put(REAL_SERVER, REAL_SERVER_MAC);
        kernel.source = ip("10.0.0.2");
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want(List.of(REAL_SERVER));
        assertThat(n.preferredSource(REAL_SERVER)).as("before any lookup").isZero();
        long now = 0;
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(REAL_SERVER)).isEqualTo(REAL_SERVER_MAC);
        assertThat(n.preferredSource(REAL_SERVER)).isEqualTo(ip("10.0.0.2"));
        assertThat(n.preferredSource(client(1))).as("an address never looked up").isZero();

        kernel.source = ip("10.0.0.3");
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.preferredSource(REAL_SERVER)).as("after the route's source changed").isEqualTo(ip("10.0.0.3"));
        kernel.source = 0;
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.preferredSource(REAL_SERVER)).as("a route without a preferred source").isZero();
    }

    /**
     * A real server behind the clients' gateway whose route has its own source (policy routing): its tunnel
     * source stays its route's however many clients are looked up through the same gateway afterwards, and
     * all of them share the gateway's MAC.
     */
    @Test
    void aRealServerBehindTheClientsGatewayKeepsItsOwnRoutesSource() {
        ScriptedKernel kernel = withGateway();
        int farServer = ip("203.0.113.5");
        kernel.routeSources.put(farServer, ip("10.0.0.9"));
        for (int i = 0; i < 50; i++) {
            kernel.routeSources.put(client(i), ip("10.0.0.2"));
        }
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want(List.of(farServer));
        long now = 0;
        n.refresh(kernel, now += SECOND / 20);
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 50; i++) {
                n.nextHopMac(client(i));
            }
            n.refresh(kernel, now += SECOND / 20);
        }
        assertThat(n.preferredSource(farServer)).isEqualTo(ip("10.0.0.9"));
        assertThat(n.preferredSource(client(7))).isEqualTo(ip("10.0.0.2"));
        assertThat(n.nextHopMac(farServer)).isEqualTo(GATEWAY_MAC);
        assertThat(n.nextHopMac(client(7))).isEqualTo(GATEWAY_MAC);
    }

    @Test
    void tenThousandClientsBehindOneGatewayShareItsMacAndNoPassDoesMoreThanItsBudget() {
        ScriptedKernel kernel = withGateway();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        int clients = 10_000;
        long now = 0;
        int passes = 0;
        int resolved = 0;
        while (resolved < clients && passes < 200) {
            resolved = 0;
            for (int i = 0; i < clients; i++) {
                if (n.nextHopMac(client(i)) == GATEWAY_MAC) {
                    resolved++;
                }
            }
            int lookups = kernel.routeLookups;
            int dumps = kernel.dumps;
            n.refresh(kernel, now += SECOND / 20);
            passes++;
            assertThat(kernel.routeLookups - lookups).isLessThanOrEqualTo(KernelNeighbours.ROUTE_BUDGET);
            assertThat(kernel.dumps - dumps).as("one ARP table dump per pass").isEqualTo(1);
        }
        assertThat(resolved).isEqualTo(clients);
        assertThat(n.size()).isEqualTo(clients);
        // 256 misses noted per pass: the whole set within a couple of seconds of traffic, not one lookup each
        assertThat(passes).isLessThan(clients / KernelNeighbours.MISS_SLOTS * 2);
        assertThat(kernel.resolveRequests).isEmpty();
    }

    @Test
    void aNewGatewayReachesEveryClientWithinSizeOverBudgetPasses() {
        ScriptedKernel kernel = withGateway();
        kernel.arp.put(GATEWAY_2, GATEWAY_2_MAC);
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        int clients = 2_000;
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            all.add(client(i));
        }
        n.want(all); // 2,000 real servers: resolved ahead of traffic, a budget's worth per pass
        long now = 0;
        for (int p = 0; p < clients / KernelNeighbours.ROUTE_BUDGET + 1; p++) {
            int lookups = kernel.routeLookups;
            n.refresh(kernel, now += SECOND / 20);
            assertThat(kernel.routeLookups - lookups).isLessThanOrEqualTo(KernelNeighbours.ROUTE_BUDGET);
        }
        assertThat(all).allSatisfy(a -> assertThat(n.nextHopMac(a)).isEqualTo(GATEWAY_MAC));

        kernel.gateway = GATEWAY_2;
        for (int p = 0; p < clients / KernelNeighbours.ROUTE_BUDGET + 1; p++) {
            n.refresh(kernel, now += SECOND / 20);
        }
        assertThat(all).allSatisfy(a -> assertThat(n.nextHopMac(a)).isEqualTo(GATEWAY_2_MAC));
        assertThat(n.linkOf(GATEWAY_2_MAC)).isZero();
    }

    @Test
    void clientsNobodySendsToAreForgottenAfterAMinuteAndRealServersAreKept() {
        ScriptedKernel kernel = withGateway();
        kernel.arp.put(REAL_SERVER, REAL_SERVER_MAC);
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want(List.of(REAL_SERVER));
        int active = client(1);
        int gone = client(2);
        n.nextHopMac(active);
        n.nextHopMac(gone);
        long now = 0;
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(gone)).isEqualTo(GATEWAY_MAC);
        assertThat(n.size()).isEqualTo(3);

        long end = now + 2 * KernelNeighbours.AGE_NANOS + SECOND;
        while (now < end) {
            n.nextHopMac(active);
            n.refresh(kernel, now += SECOND);
        }
        assertThat(n.size()).as("the real server and the client still sending").isEqualTo(2);
        assertThat(n.nextHopMac(active)).isEqualTo(GATEWAY_MAC);
        assertThat(n.nextHopMac(REAL_SERVER)).isEqualTo(REAL_SERVER_MAC);
        // the forgotten client comes back as a miss, and is resolved again at the next pass
        assertThat(n.nextHopMac(gone)).isEqualTo(NeighbourTable.UNKNOWN);
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(gone)).isEqualTo(GATEWAY_MAC);
    }

    @Test
    void anOnLinkClientWithoutAnArpEntryIsProbedOnceASecondAndUsedWhenTheKernelHasIt() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        int neighbour = ip("10.0.0.77");
        long now = 0;
        for (int p = 0; p < 30; p++) { // 1.5 s
            assertThat(n.nextHopMac(neighbour)).isEqualTo(NeighbourTable.UNKNOWN);
            n.refresh(kernel, now += SECOND / 20);
        }
        assertThat(kernel.resolveRequests).containsExactly(neighbour, neighbour);
        assertThat(n.probes()).isEqualTo(2);

        kernel.arp.put(neighbour, 0x02000000_0077L);
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(neighbour)).isEqualTo(0x02000000_0077L);
    }

    @Test
    void aPassAsksAboutAtMostItsBudgetOfUnresolvedNeighbours() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        long now = 0;
        for (int p = 0; p < 20; p++) { // one second
            for (int i = 2; i < 202; i++) {
                n.nextHopMac(ip("10.0.0.0") + i); // replies to 200 on-link clients that have gone away
            }
            n.refresh(kernel, now += SECOND / 20);
            assertThat(kernel.resolveRequests.size()).isLessThanOrEqualTo((p + 1) * KernelNeighbours.PROBE_BUDGET);
        }
        assertThat(kernel.resolveRequests).as("each asked about once in the second").hasSize(200)
                .doesNotHaveDuplicates();
    }

    @Test
    void withMoreUnresolvedNeighboursThanASecondsBudgetEveryOneIsAskedAboutInTurn() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        int clients = 2_000; // more than 20 passes x 64
        long now = 0;
        for (int p = 0; p < 60; p++) { // three seconds
            for (int i = 0; i < clients; i++) {
                n.nextHopMac(ip("10.0.8.0") + i);
            }
            n.refresh(kernel, now += SECOND / 20);
        }
        assertThat(new java.util.HashSet<>(kernel.resolveRequests)).as("on-link clients asked about").hasSize(clients);
    }

    @Test
    void addressesRoutedElsewhereOrNowhereStayUnknownWithoutAProbe() {
        ScriptedKernel kernel = new ScriptedKernel();
        kernel.arp.put(ip("172.16.0.1"), 0x02000000_1601L);
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        int elsewhere = ip("172.16.0.1");
        int nowhere = ip("192.0.2.1");
        long now = 0;
        for (int p = 0; p < 3; p++) {
            n.nextHopMac(elsewhere);
            n.nextHopMac(nowhere);
            n.refresh(kernel, now += SECOND / 20);
        }
        assertThat(n.nextHopMac(elsewhere)).isEqualTo(NeighbourTable.UNKNOWN);
        assertThat(n.nextHopMac(nowhere)).isEqualTo(NeighbourTable.UNKNOWN);
        assertThat(kernel.resolveRequests).isEmpty();
    }

    @Test
    void afterALinkIsCreatedAgainUnderANewIndexItsNextHopsResolveThroughIt() {
        ScriptedKernel kernel = withGateway();
        kernel.arp.put(REAL_SERVER, REAL_SERVER_MAC);
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want(List.of(REAL_SERVER));
        n.nextHopMac(client(1));
        long now = 0;
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(client(1))).isEqualTo(GATEWAY_MAC);

        kernel.link = 11; // deleted and created again: the kernel routes through the new index
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(REAL_SERVER)).as("not one of our links any more").isEqualTo(NeighbourTable.UNKNOWN);

        n.relink(new int[] {11});
        n.nextHopMac(client(1));
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(REAL_SERVER)).isEqualTo(REAL_SERVER_MAC);
        assertThat(n.nextHopMac(client(1))).isEqualTo(GATEWAY_MAC);
    }

    @Test
    void newClientsThatDifferOnlyAboveTheLastOctetAreNotedTogether() {
        ScriptedKernel kernel = withGateway();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        List<Integer> routers = new ArrayList<>(); // every branch's router: 198.18.X.1
        for (int i = 0; i < 200; i++) {
            routers.add(ip("198.18.0.1") + (i << 8));
        }
        routers.forEach(n::nextHopMac);
        n.refresh(kernel, SECOND);
        long resolved = routers.stream().filter(a -> n.nextHopMac(a) == GATEWAY_MAC).count();
        // one slot per last octet noted one address a pass: 20 new clients a second
        assertThat(resolved).as("resolved after one pass").isGreaterThan(100);
    }

    @Test
    void aRouteLookupThatFailsForAMomentIsAskedAgainAtTheNextPass() {
        ScriptedKernel kernel = withGateway();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        List<Integer> servers = new ArrayList<>(); // more addresses than a pass revisits
        for (int i = 0; i < 2_000; i++) {
            servers.add(client(10_000 + i));
        }
        n.want(servers);
        long now = 0;
        for (int p = 0; p < 10; p++) {
            n.refresh(kernel, now += SECOND / 20);
        }
        n.nextHopMac(client(1));
        kernel.transientFailures = 1; // ENOBUFS: the kernel could not answer now
        n.refresh(kernel, now += SECOND / 20);
        assertThat(n.nextHopMac(client(1))).isEqualTo(NeighbourTable.UNKNOWN);
        n.refresh(kernel, now + SECOND / 20);
        assertThat(n.nextHopMac(client(1))).isEqualTo(GATEWAY_MAC);
    }

    @Test
    void aLookupAllocatesNothing() {
        ScriptedKernel kernel = withGateway();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        for (int i = 0; i < 100; i++) {
            n.nextHopMac(client(i));
        }
        n.refresh(kernel, SECOND);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int round = 0; round < 200_000; round++) { // warm up the JIT
            sum += n.nextHopMac(client(round % 200));
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 100_000; round++) {
            sum += n.nextHopMac(client(round % 200)); // half of them misses
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isNotZero();
        assertThat(allocated).isLessThan(1024);
    }
}
