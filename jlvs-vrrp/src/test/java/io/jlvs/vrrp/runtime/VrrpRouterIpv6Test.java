package io.jlvs.vrrp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * VRRPv3 over IPv6 in {@link VrrpRouter}: instances send from the interface's link-local address to ff02::12, the
 * master adds the IPv6 VIP and announces it (the host turns that into neighbour advertisements), the backup takes
 * over on a graceful stop. Two routers on an in-memory segment, fake clock.
 */
class VrrpRouterIpv6Test {
    static final IpAddress VIP6 = IpAddress.parse("2001:db8::100");
    static final long MS = 1_000_000L;

    final InMemoryVrrpLan lan = new InMemoryVrrpLan();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<VrrpRouter> routers = new ArrayList<>();

    static VrrpInstanceSettings settings(int priority, VrrpVersion version) {
        return new VrrpInstanceSettings("VI_6", "eth0", 61, priority, 100, version, null, false, 0, null,
                List.of(new VirtualIpAddress(VIP6, 64, null, null, null)), null, List.of(), 5000, 3, 0, 1, false,
                List.of(), List.of(), List.of(), NotifySettings.NONE);
    }

    VrrpRouter router(VrrpHost host, int priority) {
        VrrpRouter r = new VrrpRouter(List.of(settings(priority, VrrpVersion.V3)), List.of(), host, clock::get,
                new VrrpRouterListener() { }, new ScriptRunner());
        r.open();
        routers.add(r);
        return r;
    }

    @AfterEach
    void closeAll() {
        routers.forEach(VrrpRouter::close);
    }

    void runUntil(long maxMillis, BooleanSupplier done) {
        for (long t = 0; t <= maxMillis; t += 10) {
            routers.forEach(r -> r.step(false));
            if (done.getAsBoolean()) {
                return;
            }
            clock.addAndGet(10 * MS);
        }
        throw new AssertionError("not done within " + maxMillis + " ms of fake time");
    }

    @Test
    void theHigherPriorityOwnsTheIpv6AddressAndAnnouncesIt() {
        FakeHost a = new FakeHost(lan, "fe80::1");
        FakeHost b = new FakeHost(lan, "fe80::2");
        VrrpRouter ra = router(a, 200);
        VrrpRouter rb = router(b, 100);

        runUntil(5000, () -> ra.status("VI_6").state() == VrrpState.MASTER);
        runUntil(2000, () -> rb.status("VI_6").counters().advertsReceived() >= 2);

        assertThat(a.addresses).containsExactly(VIP6);
        assertThat(a.garps).containsExactly("eth0 " + VIP6, "eth0 " + VIP6, "eth0 " + VIP6);
        assertThat(b.addresses).isEmpty();
        VrrpInstanceStatus sb = rb.status("VI_6");
        assertThat(sb.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(sb.masterAddress()).isEqualTo(a.address);
        assertThat(sb.counters().drops()).isEmpty();
    }

    @Test
    void onAGracefulStopTheBackupTakesOverWithinSkew() {
        FakeHost a = new FakeHost(lan, "fe80::1");
        FakeHost b = new FakeHost(lan, "fe80::2");
        VrrpRouter ra = router(a, 200);
        VrrpRouter rb = router(b, 100);
        runUntil(5000, () -> ra.status("VI_6").state() == VrrpState.MASTER
                && rb.status("VI_6").counters().advertsReceived() > 0);

        long stoppedAt = clock.get();
        ra.shutdown(stoppedAt);
        routers.remove(ra);
        runUntil(2000, () -> rb.status("VI_6").state() == VrrpState.MASTER);

        assertThat((clock.get() - stoppedAt) / MS).isBetween(600L, 630L);
        assertThat(a.addresses).isEmpty();
        assertThat(b.addresses).containsExactly(VIP6);
        assertThat(b.garps).contains("eth0 " + VIP6);
    }

    @Test
    void aHostWithoutALinkLocalAddressRefusesTheInstanceByName() {
        FakeHost v4Only = new FakeHost(lan, "10.0.0.1");
        VrrpRouter r = new VrrpRouter(List.of(settings(100, VrrpVersion.V3)), List.of(), v4Only, clock::get,
                new VrrpRouterListener() { }, new ScriptRunner());
        routers.add(r);

        assertThatThrownBy(r::open).hasMessageContaining("(VI_6) interface eth0 has no IPv6 link-local address");
    }

    @Test
    void anIpv6InstanceNeedsVersion3AndOneFamily() {
        assertThatThrownBy(() -> settings(100, VrrpVersion.V2)).hasMessageContaining("version 3");
        assertThatThrownBy(() -> new VrrpInstanceSettings("VI_6", "eth0", 61, 100, 100, VrrpVersion.V3, null, false, 0,
                null, List.of(new VirtualIpAddress(VIP6, 64, null, null, null),
                        new VirtualIpAddress(IpAddress.parse("10.0.0.100"), 24, null, null, null)), null, List.of(),
                5000, 3, 0, 1, false, List.of(), List.of(), List.of(), NotifySettings.NONE))
                .hasMessageContaining("all IPv4 or all IPv6");
        assertThat(settings(100, VrrpVersion.V3).family()).isEqualTo(io.jlvs.core.AddressFamily.INET6);
    }

    @Test
    void theLinkLocalAddressComesFromProcNetIfInet6() {
        String ifInet6 = """
                fd000000000000000000000000000004 02 40 00 80     eth0
                fe80000000000000aaaaaaaaaaaaaaaa 03 40 20 80     eth1
                fe800000000000000000000000000009 02 40 20 c0     eth0
                fe8000000000000078b159fffec80087 02 40 20 80     eth0
                00000000000000000000000000000001 01 80 10 80       lo
                """;
        Collection<IpAddress> none = List.of();

        assertThat(LinuxVrrpHost.linkLocalAddress(ifInet6, "eth0", none))
                .as("scope link, not tentative (flag 0x40)").contains(IpAddress.parse("fe80::78b1:59ff:fec8:87"));
        assertThat(LinuxVrrpHost.linkLocalAddress(ifInet6, "eth0", List.of(IpAddress.parse("fe80::78b1:59ff:fec8:87"))))
                .as("a tentative one rather than none").contains(IpAddress.parse("fe80::9"));
        assertThat(LinuxVrrpHost.linkLocalAddress(ifInet6, "eth2", none)).isEqualTo(Optional.empty());
        // the host waits (bounded) while the address it found is still in duplicate address detection
        assertThat(LinuxVrrpHost.tentative(ifInet6, IpAddress.parse("fe80::9"))).isTrue();
        assertThat(LinuxVrrpHost.tentative(ifInet6, IpAddress.parse("fe80::78b1:59ff:fec8:87"))).isFalse();
    }
}
