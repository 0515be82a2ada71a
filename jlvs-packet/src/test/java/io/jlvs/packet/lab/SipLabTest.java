package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -u VIP:5060 -s rr -p 300 -M 0.0.0.0 --pe sip} in NAT, in namespaces: SIP-like datagrams from two
 * client addresses (python sockets, each message from a new source port) reach the real server of their
 * call; another call goes to rr's next server; a datagram without a Call-ID gets no answer and is counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SipLabTest {
    private static final int SIP_PORT = 5060;
    private static final String SECOND_CLIENT = "10.77.0.20";
    /** Answers each datagram with its real server's name. */
    private static final String SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", int(sys.argv[1])))
            while True:
                d, a = s.recvfrom(65535)
                s.sendto(sys.argv[2].encode(), a)
            """;
    /**
     * For each argument "source,call-id" (call-id "-": none), sends a SIP request from a new socket bound to the
     * source address to VIP:5060 (up to 3 tries, 1 s each) and prints the answering server, or "lost".
     */
    private static final String CLIENT = """
            import socket, sys
            vip, port = sys.argv[1], int(sys.argv[2])
            for spec in sys.argv[3:]:
                source, call = spec.split(",")
                msg = "INVITE sip:bob@example.com SIP/2.0\\r\\nVia: SIP/2.0/UDP " + source + "\\r\\n"
                if call != "-":
                    msg += "Call-ID: " + call + "\\r\\n"
                msg += "Content-Length: 0\\r\\n\\r\\n"
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((source, 0))
                s.settimeout(1)
                result = "lost"
                for attempt in range(3):
                    s.sendto(msg.encode(), (vip, port))
                    try:
                        d, a = s.recvfrom(2048)
                    except socket.timeout:
                        continue
                    result = d.decode()
                    break
                s.close()
                print(result, flush=True)
            """;
    private PacketLab lab;
    private String python;

    @BeforeAll
    void up() throws IOException {
        python = Lab.requireCommand("python3", "python3");
        lab = PacketLab.create("Masq", Map.of("jlvs.lab.sip", String.valueOf(SIP_PORT)));
        for (int n = 1; n <= 3; n++) {
            lab.realServerBackground(n, lab.dir.resolve("sip" + n + ".log"), python, "-c", SERVER,
                    String.valueOf(SIP_PORT), "rs" + n);
        }
        for (String ns : lab.rs) {
            org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> lab.lab.exec(ns, "ss",
                    "-Hlun", "sport = :" + SIP_PORT).output().contains(":" + SIP_PORT));
        }
        Shell.Result r = lab.client(10, "ip", "addr", "add", SECOND_CLIENT + "/24", "dev", "eth0");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> send(String... specs) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(python, "-c", CLIENT, PacketLab.VIP,
                String.valueOf(SIP_PORT)));
        cmd.addAll(List.of(specs));
        Shell.Result r = lab.client(60, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output() + lab.stderr()).isZero();
        return r.output().lines().map(String::strip).toList();
    }

    @Test
    void aCallKeepsItsServerAcrossClientAddressesAndACallIdLessDatagramIsDropped() throws IOException {
        String a = "a84b4c76e66710@pc33.example.com";
        String b = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@host.example.com";
        List<String> got = send("10.77.0.10," + a, SECOND_CLIENT + "," + a, "10.77.0.10," + b,
                SECOND_CLIENT + "," + b, SECOND_CLIENT + "," + a);
        assertThat(got).hasSize(5).doesNotContain("lost");
        assertThat(got.get(1)).as("call A from the second address").isEqualTo(got.get(0));
        assertThat(got.get(2)).as("call B, rr's next server").isNotEqualTo(got.get(0));
        assertThat(got.get(3)).isEqualTo(got.get(2));
        assertThat(got.get(4)).isEqualTo(got.get(0));

        long before = lab.counter("drop_no_call_id");
        assertThat(send("10.77.0.10,-")).containsExactly("lost");
        assertThat(lab.counter("drop_no_call_id") - before).as("each try counted").isEqualTo(3);
    }
}
