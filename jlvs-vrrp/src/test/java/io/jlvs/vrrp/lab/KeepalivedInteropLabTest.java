package io.jlvs.vrrp.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.vrrp.codec.VrrpAdvertisement;
import io.jlvs.vrrp.codec.VrrpDropCounters;
import io.jlvs.vrrp.codec.VrrpPacketDecoder;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import io.jlvs.vrrp.codec.VrrpReceiveConfig;
import io.jlvs.vrrp.codec.VrrpReceiveResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: real keepalived 2.2.7 in a namespace. Its adverts, read off a raw socket, must pass our decoder and be
 * what our encoder builds; an advert our encoder builds must make keepalived step down. Needs root, iproute2,
 * keepalived and python3 (the raw-socket helper; Java has no raw sockets without jlvs-sys).
 */
class KeepalivedInteropLabTest {
    static final IpAddress ROOT = IpAddress.parse("10.201.9.1");
    static final IpAddress KA = IpAddress.parse("10.201.9.2");
    static final IpAddress VIP = IpAddress.parse("10.201.9.100");

    static final String CAPTURE = """
            import socket, sys, binascii
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                         socket.inet_aton('224.0.0.18') + socket.inet_aton(sys.argv[1]))
            s.settimeout(20)
            n = 0
            while n < int(sys.argv[3]):
                d, a = s.recvfrom(2000)
                if a[0] == sys.argv[2]:
                    print(binascii.hexlify(d).decode(), flush=True)
                    n += 1
            """;
    static final String INJECT = """
            import socket, sys, binascii
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[1].encode())
            s.sendto(binascii.unhexlify(sys.argv[2]), ('224.0.0.18', 0))
            """;

    @Test
    void keepalivedAndJlvsSpeakTheSameVrrp(@TempDir Path dir) throws Exception {
        Lab.requireNetns();
        String keepalived = Lab.requireCommand("keepalived", "keepalived");
        String python = Lab.requireCommand("python3", "python3");
        Files.writeString(dir.resolve("cap.py"), CAPTURE);
        Files.writeString(dir.resolve("inject.py"), INJECT);
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("ka");
            String hostIf = lab.vethToRoot(ns, ROOT + "/24", KA + "/24");
            String nsIf = lab.exec(ns, "ip", "-o", "link", "show").output().lines()
                    .map(l -> l.split(": ")[1].split("@")[0]).filter(n -> !n.equals("lo")).findFirst().orElseThrow();
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, """
                    global_defs { router_id jlvs_lab }
                    vrrp_instance VI_1 {
                      interface %s
                      version 3
                      virtual_router_id 61
                      priority 100
                      advert_int 1
                      virtual_ipaddress { %s/24 }
                    }
                    """.formatted(nsIf, VIP));

            Process capture = new ProcessBuilder(python, dir.resolve("cap.py").toString(), ROOT.toString(),
                    KA.toString(), "3").redirectError(dir.resolve("cap.err").toFile()).start();
            Path log = dir.resolve("keepalived.log");
            try {
                lab.start(ns, List.of(keepalived, "-n", "-l", "-D", "-P", "-f", conf.toString(),
                        "-p", dir.resolve("k.pid").toString(), "-r", dir.resolve("v.pid").toString()), log);
                assertThat(capture.waitFor(25, TimeUnit.SECONDS)).as("captured 3 adverts from keepalived").isTrue();
                List<String> packets = new ArrayList<>(new String(capture.getInputStream().readAllBytes()).lines().toList());
                assertThat(packets).hasSize(3);

                VrrpAdvertisement ours = VrrpAdvertisement.v3(61, 100, 100, List.of(VIP));
                VrrpReceiveConfig cfg = VrrpReceiveConfig.of("VI_1", ours);
                VrrpPacketDecoder decoder = new VrrpPacketDecoder(new VrrpDropCounters());
                for (String hex : packets) {
                    byte[] wire = HexFormat.of().parseHex(hex);
                    var r = decoder.decode(wire, vrid -> vrid == 61 ? cfg : null);
                    assertThat(r).as(hex).isInstanceOf(VrrpReceiveResult.Accepted.class);
                    assertThat(((VrrpReceiveResult.Accepted) r).advertisement()).isEqualTo(ours);
                    int ipId = ((wire[4] & 0xff) << 8) | (wire[5] & 0xff);
                    assertThat(HexFormat.of().formatHex(
                            VrrpPacketEncoder.encode(ours, KA, VrrpPacketEncoder.MCAST_GROUP4, ipId))).isEqualTo(hex);
                }

                // a higher priority router (us) appears: keepalived must step down
                byte[] higher = VrrpPacketEncoder.encode(ours.withPriority(200), ROOT, VrrpPacketEncoder.MCAST_GROUP4, 1);
                Process inject = new ProcessBuilder(python, dir.resolve("inject.py").toString(), hostIf,
                        HexFormat.of().formatHex(higher)).redirectErrorStream(true).start();
                assertThat(inject.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(inject.exitValue()).as(new String(inject.getInputStream().readAllBytes())).isZero();
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(Files.readString(log))
                                .contains("(VI_1) Master received advert from " + ROOT + " with higher priority 200, ours 100")
                                .contains("(VI_1) Entering BACKUP STATE"));
            } finally {
                capture.destroyForcibly();
            }
        }
    }
}
