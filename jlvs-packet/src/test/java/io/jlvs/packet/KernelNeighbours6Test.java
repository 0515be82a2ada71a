package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Errno;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.Neighbour;
import io.jlvs.sys.RouteInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * IPv6 next hops against a scripted kernel: real servers resolved when configured, clients when first sent to
 * (on link, or behind a gateway whose MAC they share), unresolved hops probed once a second, addresses with no
 * route through the director's links known as such, idle clients forgotten and real servers kept.
 */
class KernelNeighbours6Test {
    private static final int LINK = 7;
    private static final int OTHER_LINK = 9;
    private static final long SECOND = 1_000_000_000L;
    private static final IpAddress RS = IpAddress.parse("2001:db8::21");
    private static final IpAddress CLIENT_ON_LINK = IpAddress.parse("2001:db8::10");
    private static final IpAddress CLIENT_FAR = IpAddress.parse("2001:db8:5::10");
    private static final IpAddress GATEWAY = IpAddress.parse("fe80::1");
    private static final IpAddress ELSEWHERE = IpAddress.parse("2001:db8:9::1");

    /** 2001:db8::/64 on link, 2001:db8:9::/48 on another interface, the rest via fe80::1. */
    private static final class ScriptedKernel implements KernelRoutes {
        final Map<IpAddress, Long> ndp = new ConcurrentHashMap<>();
        final List<IpAddress> resolveRequests = new ArrayList<>();
        final List<String> scopedRequests = new ArrayList<>();
        /** The preferred source every route names (null: none). */
        volatile IpAddress source;

        @Override
        public RouteInfo route(IpAddress destination) {
            if (destination.isV4()) {
                throw new NativeIoException("RTM_GETROUTE " + destination, Errno.ENETUNREACH.number());
            }
            if (destination.hi() == IpAddress.parse("2001:db8::").hi()) {
                return new RouteInfo(destination, null, LINK, source);
            }
            if ((destination.hi() >>> 16) == (IpAddress.parse("2001:db8:9::").hi() >>> 16)) {
                return new RouteInfo(destination, null, OTHER_LINK, null);
            }
            return new RouteInfo(destination, GATEWAY, LINK, null);
        }

        @Override
        public List<Neighbour> neighbours() {
            return List.of();
        }

        @Override
        public List<Neighbour> neighbours6() {
            List<Neighbour> out = new ArrayList<>();
            ndp.forEach((a, mac) -> out.add(new Neighbour(a, mac, 0x02, LINK)));
            return out;
        }

        @Override
        public void resolve(IpAddress neighbour) {
            resolveRequests.add(neighbour);
        }

        @Override
        public void resolve(IpAddress neighbour, int ifindex) {
            resolveRequests.add(neighbour);
            scopedRequests.add(neighbour + "%" + ifindex);
        }
    }

    private static long mac(KernelNeighbours n, IpAddress a) {
        return n.nextHopMac6(a.hi(), a.lo());
    }

    @Test
    void realServersAndClientsAreResolvedByRouteAndNeighbourDiscovery() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want6(Set.of(RS));
        long now = 100 * SECOND;
        n.refresh(kernel, now);
        // not resolved yet: the kernel is asked to solicit it
        assertThat(mac(n, RS)).isEqualTo(NeighbourTable.UNKNOWN);
        assertThat(kernel.resolveRequests).containsExactly(RS);
        n.refresh(kernel, now + SECOND / 20);
        assertThat(kernel.resolveRequests).as("once a second at most").hasSize(1);
        kernel.ndp.put(RS, 0x0200_0000_0021L);
        kernel.ndp.put(GATEWAY, 0x0200_0000_0001L);
        kernel.ndp.put(CLIENT_ON_LINK, 0x0200_0000_0010L);
        n.refresh(kernel, now + SECOND / 10);
        assertThat(mac(n, RS)).isEqualTo(0x0200_0000_0021L);
        assertThat(n.linkOf(0x0200_0000_0021L)).isZero();
        // clients: a miss is noted, the next pass resolves it
        assertThat(mac(n, CLIENT_ON_LINK)).isEqualTo(NeighbourTable.UNKNOWN);
        assertThat(mac(n, CLIENT_FAR)).isEqualTo(NeighbourTable.UNKNOWN);
        assertThat(mac(n, ELSEWHERE)).isEqualTo(NeighbourTable.UNKNOWN);
        n.refresh(kernel, now + 2 * SECOND / 10);
        assertThat(mac(n, CLIENT_ON_LINK)).isEqualTo(0x0200_0000_0010L);
        assertThat(mac(n, CLIENT_FAR)).as("behind the gateway: its MAC").isEqualTo(0x0200_0000_0001L);
        assertThat(n.unreachable6(ELSEWHERE.hi(), ELSEWHERE.lo())).isTrue();
        assertThat(n.unreachable6(CLIENT_FAR.hi(), CLIENT_FAR.lo())).isFalse();
        // a client no frame went to for a minute is forgotten; the real server is kept
        n.refresh(kernel, now + 62 * SECOND);
        n.refresh(kernel, now + 63 * SECOND);
        assertThat(mac(n, RS)).isEqualTo(0x0200_0000_0021L);
        assertThat(mac(n, CLIENT_ON_LINK)).as("used: kept").isEqualTo(0x0200_0000_0010L);
        n.refresh(kernel, now + 130 * SECOND);
        n.refresh(kernel, now + 200 * SECOND);
        assertThat(mac(n, CLIENT_FAR)).isEqualTo(NeighbourTable.UNKNOWN);
    }

    /**
     * The recheck cursor counts up for ever: past Integer.MAX_VALUE (about 39 days at 32 rechecks a pass) it goes
     * negative, and before, the next recheck threw IndexOutOfBoundsException and ended the refresher thread.
     */
    @Test
    void theRecheckCursorWrapsWithoutFailing() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours6 n = new KernelNeighbours6(new int[] {LINK});
        Set<IpAddress> servers = new java.util.HashSet<>();
        for (int i = 1; i <= 40; i++) {
            servers.add(IpAddress.parse("2001:db8::" + Integer.toHexString(0x100 + i)));
        }
        n.want(servers);
        n.refresh(kernel, SECOND);
        n.recheckCursor = Integer.MAX_VALUE - 5;
        for (int pass = 2; pass < 6; pass++) {
            n.refresh(kernel, pass * SECOND);
        }
        assertThat(n.recheckCursor).isNegative();
        assertThat(n.size()).isEqualTo(40);
    }

    /**
     * A gateway's link-local address is solicited on the hop's interface: before, the probe went to fe80::1
     * without a scope and the kernel sent it out of whichever interface it picked.
     */
    @Test
    void aLinkLocalGatewayIsProbedOnItsHopsInterface() throws Exception {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {OTHER_LINK, LINK});
        mac(n, CLIENT_FAR);
        n.refresh(kernel, SECOND);
        assertThat(kernel.scopedRequests).containsExactly(GATEWAY + "%" + LINK);
        java.net.InetAddress target = KernelRoutes.target(GATEWAY, LINK);
        assertThat(target).isInstanceOf(java.net.Inet6Address.class);
        assertThat(((java.net.Inet6Address) target).getScopeId()).isEqualTo(LINK);
        assertThat(target.getAddress()).isEqualTo(GATEWAY.toBytes());
        assertThat(KernelRoutes.target(IpAddress.parse("10.0.0.1"), LINK).getAddress())
                .isEqualTo(new byte[] {10, 0, 0, 1});
    }

    /**
     * A TUN real server's outer source is the route's preferred source (RTA_PREFSRC, as IPVS asks the route for
     * it): published with the next hop, unknown while the route names none, and following a change at a recheck.
     */
    @Test
    void theRoutesPreferredSourceIsPublishedForTunnels() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        n.want6(Set.of(RS));
        kernel.ndp.put(RS, 0x0200_0000_0021L);
        long[] source = {7, 7};
        n.refresh(kernel, SECOND);
        assertThat(n.preferredSource6(RS.hi(), RS.lo(), source)).as("no source named").isFalse();
        assertThat(source).containsExactly(7, 7);
        kernel.source = IpAddress.parse("2001:db8::2");
        // rechecks go round the known addresses: a few passes see the new source
        for (int pass = 2; pass < 5; pass++) {
            n.refresh(kernel, pass * SECOND);
        }
        assertThat(n.preferredSource6(RS.hi(), RS.lo(), source)).isTrue();
        assertThat(IpAddress.ofV6(source[0], source[1])).isEqualTo(IpAddress.parse("2001:db8::2"));
        kernel.source = IpAddress.parse("2001:db8::3");
        for (int pass = 5; pass < 8; pass++) {
            n.refresh(kernel, pass * SECOND);
        }
        assertThat(n.preferredSource6(RS.hi(), RS.lo(), source)).isTrue();
        assertThat(IpAddress.ofV6(source[0], source[1])).isEqualTo(IpAddress.parse("2001:db8::3"));
        assertThat(n.preferredSource6(CLIENT_FAR.hi(), CLIENT_FAR.lo(), source)).as("not known").isFalse();
    }

    @Test
    void aLookupAllocatesNothing() {
        ScriptedKernel kernel = new ScriptedKernel();
        KernelNeighbours n = new KernelNeighbours(new int[] {LINK});
        kernel.ndp.put(CLIENT_ON_LINK, 0x0200_0000_0010L);
        mac(n, CLIENT_ON_LINK);
        n.refresh(kernel, SECOND);
        long hi = CLIENT_ON_LINK.hi();
        long lo = CLIENT_ON_LINK.lo();
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int round = 0; round < 200_000; round++) { // warm up the JIT
            sum += n.nextHopMac6(hi, lo + (round & 1)); // every other one misses
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 100_000; round++) {
            sum += n.nextHopMac6(hi, lo + (round & 1));
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isNotZero();
        assertThat(allocated).isLessThan(1024);
    }
}
