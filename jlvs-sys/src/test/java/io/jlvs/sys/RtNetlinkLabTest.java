package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** rtnetlink against the root side of a veth made by the test, checked against what iproute2 shows. */
class RtNetlinkLabTest {

    @Test
    void listsTheVethWithItsMacMtuAndFlags() throws Exception {
        try (VethLab lab = VethLab.create(); RtNetlink rt = RtNetlink.open()) {
            Shell.run("ip", "link", "set", lab.host, "mtu", "1420").orThrow("mtu");
            long mac = VethLab.parseMac(Shell.run("cat", "/sys/class/net/" + lab.host + "/address").output().strip());
            int index = new Syscalls().ifNameToIndex(lab.host);

            LinkInfo link = rt.link(lab.host).orElseThrow();

            assertThat(link.index()).isEqualTo(index);
            assertThat(link.mac()).isEqualTo(mac);
            assertThat(link.mtu()).isEqualTo(1420);
            assertThat(link.up()).isTrue();
            assertThat(rt.links()).anySatisfy(l -> assertThat(l.name()).isEqualTo("lo"));
        }
    }

    @Test
    void addedAddressIsListedWithItsLabelAndGoneAfterDelete() throws Exception {
        try (VethLab lab = VethLab.create(); RtNetlink rt = RtNetlink.open()) {
            int index = new Syscalls().ifNameToIndex(lab.host);
            IpAddress vip = lab.addr(77);
            String label = lab.host.length() <= 13 ? lab.host + ":v" : lab.host;

            rt.addAddress(index, vip, 32, label);

            assertThat(rt.addresses()).contains(new InterfaceAddress(index, vip, 32, label));
            assertThat(Shell.run("ip", "-4", "-o", "addr", "show", "dev", lab.host).output())
                    .contains(vip + "/32").contains(label);
            assertThatThrownBy(() -> rt.addAddress(index, vip, 32, null))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.is(Errno.EEXIST)).isTrue());

            rt.deleteAddress(index, vip, 32);

            assertThat(rt.addresses()).noneMatch(a -> a.address().equals(vip));
            assertThat(Shell.run("ip", "-4", "-o", "addr", "show", "dev", lab.host).output()).doesNotContain(vip + "/");
            assertThatThrownBy(() -> rt.deleteAddress(index, vip, 32))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EADDRNOTAVAIL");
                        assertThat(e.call()).isEqualTo("RTM_DELADDR " + vip + "/32");
                    });
        }
    }

    @Test
    void neighbourAfterAPingHasThePeersMac() throws Exception {
        try (VethLab lab = VethLab.create(); RtNetlink rt = RtNetlink.open()) {
            int index = new Syscalls().ifNameToIndex(lab.host);
            assertThat(rt.neighbour(lab.nsAddr, index)).isEmpty();

            Shell.run("ping", "-c", "1", "-W", "1", lab.nsAddr.toString()).orThrow("ping");

            Neighbour n = rt.neighbour(lab.nsAddr, index).orElseThrow();
            assertThat(n.mac()).isEqualTo(lab.peerMac());
            assertThat(n.usable()).as(n.stateName()).isTrue();
            assertThat(rt.neighbour(lab.addr(99), index)).isEmpty();
        }
    }

    @Test
    void routeLookupGivesInterfaceGatewayAndSource() throws Exception {
        try (VethLab lab = VethLab.create(); RtNetlink rt = RtNetlink.open()) {
            int index = new Syscalls().ifNameToIndex(lab.host);
            IpAddress behind = lab.addr(200);
            Shell.run("ip", "route", "add", behind + "/32", "via", lab.nsAddr.toString(), "dev", lab.host)
                    .orThrow("route add");

            RouteInfo direct = rt.route(lab.nsAddr);
            RouteInfo viaPeer = rt.route(behind);

            assertThat(direct.interfaceIndex()).isEqualTo(index);
            assertThat(direct.nextHop()).isEmpty();
            assertThat(direct.preferredSource()).isEqualTo(lab.hostAddr);
            assertThat(viaPeer.interfaceIndex()).isEqualTo(index);
            assertThat(viaPeer.nextHop()).contains(lab.nsAddr);
        }
    }

    @Test
    void linkMonitorSeesTheVethGoDownAndUp() throws Exception {
        try (VethLab lab = VethLab.create()) {
            int index = new Syscalls().ifNameToIndex(lab.host);
            List<LinkEvent> events = new CopyOnWriteArrayList<>();
            Thread loop;
            try (LinkMonitor monitor = LinkMonitor.open(e -> {
                if (e.link().index() == index) {
                    events.add(e);
                }
            })) {
                loop = monitor.start();

                Shell.run("ip", "link", "set", lab.host, "down").orThrow("down");
                await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> !e.link().up()));
                Shell.run("ip", "link", "set", lab.host, "up").orThrow("up");
                await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty() && events.getLast().link().up());

                assertThat(events).allSatisfy(e -> assertThat(e.link().name()).isEqualTo(lab.host));
            }
            loop.join(2000);
            assertThat(loop.isAlive()).as("read loop stopped").isFalse();
        }
    }
}
