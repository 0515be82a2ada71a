package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two members of a PACKET_FANOUT_CBPF group with {@link ClientFanout}: a NAT connection's request (client →
 * virtual address), its real server's reply (→ client) and ICMP errors about either reach the same member,
 * and different clients spread over both. With the kernel's flow hash the request and the reply of one
 * connection hash differently (other addresses, other ports), so a second worker never had the connection.
 */
class ClientFanoutLabTest {
    private static final IpAddress VIP = IpAddress.parse("10.92.0.100");
    private static final IpAddress SERVER = IpAddress.parse("10.93.0.11");
    private static final IpAddress ROUTER = IpAddress.parse("10.93.0.254");
    private static final int FLOWS = 24;
    private static final String SENDER_MAC = "020000000042";

    private static IpAddress client(int i) {
        return IpAddress.ofV4(IpAddress.parse("198.51.100.0").v4() + 1 + i % 6);
    }

    private static byte[] ipv4(long dstMac, int protocol, IpAddress src, IpAddress dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + payload.length);
        b.put(HexFormat.of().parseHex(String.format("%012x", dstMac))).put(new byte[] {2, 0, 0, 0, 0, 0x42})
                .putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putInt(0).put((byte) 64)
                .put((byte) protocol).putShort((short) 0).put(src.toBytes()).put(dst.toBytes());
        return b.put(payload).array();
    }

    private static byte[] udp(int sport, int dport) {
        return ByteBuffer.allocate(12).putShort((short) sport).putShort((short) dport).putShort((short) 12)
                .putShort((short) 0).putInt(0x6a6c7673).array();
    }

    /** ICMP fragmentation-needed quoting a UDP datagram from {@code src}:{@code sport} to {@code dst}:{@code dport}. */
    private static byte[] icmpAbout(IpAddress src, int sport, IpAddress dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(8 + 20 + 8);
        b.put((byte) 3).put((byte) 4).putShort((short) 0).putInt(1400);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 28).putInt(0).put((byte) 63).put((byte) 17)
                .putShort((short) 0).put(src.toBytes()).put(dst.toBytes());
        return b.put(udp(sport, dport), 0, 8).array();
    }

    @Test
    void bothDirectionsAndTheIcmpErrorsOfAConnectionReachOneMemberAndClientsSpread() throws Exception {
        Map<Integer, Set<String>> membersByFlow = run(ClientFanout.program(Set.of(VIP)), 0);
        assertThat(membersByFlow).hasSize(FLOWS);
        assertThat(membersByFlow.values()).as("each connection's frames on one member").allMatch(m -> m.size() == 1);
        assertThat(membersByFlow.values().stream().flatMap(Set::stream).distinct())
                .as("connections spread over both members").containsExactlyInAnyOrder("a", "b");
    }

    /**
     * A fwmark service's virtual address is known by the rules' address range only: frames to an address in
     * the range come from the client, so a connection's frames still reach one member. Before, more than one
     * worker refused fwmark rules.
     */
    @Test
    void aVirtualAddressGivenAsARangeKeepsEachConnectionOnOneMember() throws Exception {
        ClientFanout.AddressRange range = new ClientFanout.AddressRange(IpAddress.ofV4(VIP.v4() - 4),
                IpAddress.ofV4(VIP.v4() + 3));
        Map<Integer, Set<String>> membersByFlow = run(ClientFanout.program(Set.of(), List.of(range), -1, true), 3);
        assertThat(membersByFlow).hasSize(FLOWS);
        assertThat(membersByFlow.values()).as("each connection's frames on one member").allMatch(m -> m.size() == 1);
        assertThat(membersByFlow.values().stream().flatMap(Set::stream).distinct())
                .as("connections spread over both members").containsExactlyInAnyOrder("a", "b");
    }

    /**
     * With persistent services a client's connections from any port, and with a /24 persistence netmask its
     * whole network's, share a worker: persistence templates live in one.
     */
    @Test
    void withPersistenceEveryConnectionOfAClientNetworkReachesOneMember() throws Exception {
        Map<Integer, Set<String>> membersByFlow = run(ClientFanout.program(Set.of(VIP), 0xffffff00, false), 1);
        assertThat(membersByFlow).hasSize(FLOWS);
        assertThat(membersByFlow.values().stream().flatMap(Set::stream).distinct())
                .as("all connections of 198.51.100.0/24").hasSize(1);
        Map<Integer, Set<String>> spread = run(ClientFanout.program(Set.of(VIP), -1, false), 2);
        assertThat(spread.values()).as("one client address, one member").allMatch(m -> m.size() == 1);
    }

    /** Sends FLOWS connections' frames through a two-member group with {@code program}; members by flow. */
    private static Map<Integer, Set<String>> run(BpfFilter program, int group) throws Exception {
        try (VethLab lab = VethLab.create()) {
            AfPacketConfig cfg = AfPacketConfig.forInterface(lab.host).pollTimeoutMillis(10)
                    .fanout(0x4b00 + group * 0x100 + (int) (ProcessHandle.current().pid() & 0xff))
                    .fanoutProgram(program).build();
            try (AfPacketIo a = AfPacketIo.open(cfg); AfPacketIo b = AfPacketIo.open(cfg)) {
                long mac = a.macAddress();
                List<String> frames = new ArrayList<>();
                for (int i = 0; i < FLOWS; i++) {
                    int port = 40000 + i * 7;
                    frames.add(HexFormat.of().formatHex(ipv4(mac, 17, client(i), VIP, udp(port, 80))));
                    frames.add(HexFormat.of().formatHex(ipv4(mac, 17, SERVER, client(i), udp(8080, port))));
                    frames.add(HexFormat.of().formatHex(ipv4(mac, 1, ROUTER, client(i),
                            icmpAbout(client(i), port, SERVER, 8080))));
                    frames.add(HexFormat.of().formatHex(ipv4(mac, 1, ROUTER, VIP,
                            icmpAbout(VIP, 80, client(i), port))));
                }
                List<String> cmd = new ArrayList<>(List.of("python3", "-c", "import socket, sys\n"
                        + "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\ns.bind((sys.argv[1], 0))\n"
                        + "for f in sys.argv[2:]:\n    s.send(bytes.fromhex(f))\n", lab.peer));
                cmd.addAll(frames);
                Shell.Result sent = lab.lab.exec(lab.ns, cmd.toArray(String[]::new));
                assertThat(sent.exitCode()).as(sent.output()).isZero();

                Map<Integer, Set<String>> membersByFlow = new HashMap<>();
                Map<String, Integer> framesByMember = new HashMap<>();
                for (var member : List.of(Map.entry("a", a), Map.entry("b", b))) {
                    long end = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() < end) {
                        member.getValue().receive((s, off, len) -> {
                            // ours by the whole source MAC: the host's own may end in 0x42 too
                            if (len < 14 + 20 + 8 || !SENDER_MAC.equals(HexFormat.of().formatHex(
                                    s.asSlice(off + 6, 6).toArray(ValueLayout.JAVA_BYTE)))) {
                                return;
                            }
                            byte[] f = new byte[len];
                            java.lang.foreign.MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, f, 0, len);
                            int flow = flowOf(ByteBuffer.wrap(f));
                            membersByFlow.computeIfAbsent(flow, k -> new java.util.HashSet<>()).add(member.getKey());
                            framesByMember.merge(member.getKey(), 1, Integer::sum);
                        }, 256);
                    }
                }
                assertThat(framesByMember.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4 * FLOWS);
                return membersByFlow;
            }
        }
    }

    /** The flow number of a frame built above: from the client's port wherever it sits. */
    private static int flowOf(ByteBuffer f) {
        int protocol = f.get(14 + 9) & 0xff;
        int dst = f.getInt(14 + 16);
        int port;
        if (protocol == 17) {
            port = dst == VIP.v4() ? f.getShort(34) & 0xffff : f.getShort(36) & 0xffff;
        } else {
            int quotedSrc = f.getInt(34 + 8 + 12);
            port = quotedSrc == VIP.v4() ? f.getShort(34 + 8 + 22) & 0xffff : f.getShort(34 + 8 + 20) & 0xffff;
        }
        return (port - 40000) / 7;
    }
}
