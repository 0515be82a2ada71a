package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The IPv6 packet lab with the VIP [2001:db8:77::100] on no interface of the director
 * ({@code jlvs.lab.vip6Unconfigured}) and the workers answering for it ({@code jlvs.lab.answerArp}): the
 * director's kernel never answers a neighbour solicitation for the VIP, so the client's curl reaches a real server
 * only through the data plane's advertisement, and the client's neighbour table then holds the VIP at the
 * director's MAC. Without the answer (checked by hand, answerArp off) curl fails: "Could not connect", the
 * client's entry FAILED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class Ipv6NeighbourDiscoveryLabSuite {
    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");
    private static final Pattern ALLMULTI = Pattern.compile("allmulti (\\d+)");
    PacketLab lab;

    abstract String method();

    @BeforeAll
    void up() throws IOException {
        lab = PacketLab.create(method(), Map.of("jlvs.lab.ipv6", "true", "jlvs.lab.answerArp", "true",
                "jlvs.lab.vip6Unconfigured", "true"));
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aClientReachesAVipTheDirectorDoesNotHaveThroughTheDataPlanesNeighbourAdvertisement() throws Exception {
        assertThat(lab.inDirector("ip", "-6", "addr", "show").output()).as("the VIP is no address of the director")
                .doesNotContain(PacketLab.VIP6);
        String link = lab.inDirector("ip", "-d", "link", "show", "dev", "eth0").output();
        // a card would filter the solicited-node group the host never joined: the workers' sockets ask for all
        // multicast (the link's allmulti count; ALLMULTI among the flags is only what `ip link set` asked)
        Matcher allmulti = ALLMULTI.matcher(link);
        assertThat(allmulti.find() && Integer.parseInt(allmulti.group(1)) > 0).as(link).isTrue();
        Matcher m = MAC.matcher(link);
        assertThat(m.find()).as(link).isTrue();
        String directorMac = m.group(1);
        assertThat(lab.client(5, "ip", "-6", "neigh", "show", PacketLab.VIP6).output().strip())
                .as("nothing known of the VIP before").isEmpty();

        String[] curl = {"curl", "-6", "-g", "-sS", "--max-time", "3", "http://[" + PacketLab.VIP6 + "]/name"};
        Shell.Result r = lab.client(10, curl);
        // the client's first solicitation can cross the director's start-up: bounded retries
        for (int i = 0; i < 4 && !r.output().strip().matches("rs[123]"); i++) {
            Thread.sleep(500);
            r = lab.client(10, curl);
        }
        assertThat(r.output().strip()).as(r.output() + "\nneigh: "
                + lab.client(5, "ip", "-6", "neigh", "show").output() + "\ncounters: " + lab.ask("counters")
                + "\n" + lab.stderr()).matches("rs[123]");
        String neigh = lab.client(5, "ip", "-6", "neigh", "show", PacketLab.VIP6).output();
        assertThat(neigh).as("the client's neighbour entry for the VIP").contains("lladdr " + directorMac)
                .containsPattern("REACHABLE|STALE|DELAY|PROBE");
        assertThat(lab.counter("replied")).as("advertisements sent").isPositive();
        assertThat(lab.counter("drop_bad_neighbour_solicitation")).isZero();
        // more requests over the learnt address, each answered by a real server
        Shell.Result five = lab.client(30, "sh", "-c", "for i in 1 2 3 4 5; do curl -6 -g -sS --max-time 3 "
                + "'http://[" + PacketLab.VIP6 + "]/name'; done");
        assertThat(five.output().strip().split("\n")).as(five.output()).hasSize(5)
                .allSatisfy(line -> assertThat(line).matches("rs[123]"));
    }
}
