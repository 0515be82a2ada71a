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

    private static final IpAddress VIP6 = IpAddress.parse("2001:db8:92::100");
    private static final IpAddress SERVER6 = IpAddress.parse("2001:db8:93::11");
    private static final IpAddress ROUTER6 = IpAddress.parse("2001:db8:93::fe");

    private static IpAddress client6(int i) {
        return IpAddress.ofV6(0x20010db8_00640000L + i % 5, 0x1000L + i * 0x10001L);
    }

    private static byte[] ipv6(long dstMac, int next, IpAddress src, IpAddress dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + payload.length);
        b.put(HexFormat.of().parseHex(String.format("%012x", dstMac))).put(new byte[] {2, 0, 0, 0, 0, 0x42})
                .putShort((short) 0x86dd);
        b.putInt(0x60000000).putShort((short) payload.length).put((byte) next).put((byte) 64)
                .put(src.toBytes()).put(dst.toBytes());
        return b.put(payload).array();
    }

    /** An ICMPv6 error of {@code type} quoting a UDP datagram (its IPv6 header and UDP header). */
    private static byte[] icmp6About(int type, IpAddress src, int sport, IpAddress dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(8 + 40 + 8);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putInt(type == 2 ? 1280 : 0);
        b.putInt(0x60000000).putShort((short) 8).put((byte) 17).put((byte) 63).put(src.toBytes()).put(dst.toBytes());
        return b.put(udp(sport, dport), 0, 8).array();
    }

    /** A non-first fragment of a UDP datagram: a fragment header and data, no port. */
    private static byte[] laterFragment() {
        return ByteBuffer.allocate(8 + 16).put((byte) 17).put((byte) 0).putShort((short) (185 << 3))
                .putInt(0x0badcafe).putLong(0x0102030405060708L).putLong(-1L).array();
    }

    /**
     * IPv6 through the kernel's fanout: each client's request, the real server's reply, a later fragment with
     * no ports, a port unreachable from the real server and a packet too big to the virtual address reach one
     * member, clients (hashed by address) spread over both, and neighbour solicitations reach the first member.
     */
    @Test
    void everyIpv6FrameOfAClientReachesOneMemberAndSolicitationsTheFirst() throws Exception {
        Map<Integer, Set<String>> membersByFlow = run(ClientFanout.program(Set.of(VIP, VIP6)), 4, mac -> {
            Map<String, Integer> frames = new HashMap<>();
            for (int i = 0; i < FLOWS; i++) {
                IpAddress c = client6(i);
                int port = 40000 + i * 7;
                frames.put(hex(ipv6(mac, 17, c, VIP6, udp(port, 53))), i);
                frames.put(hex(ipv6(mac, 17, SERVER6, c, udp(5353, port))), i);
                frames.put(hex(ipv6(mac, 44, c, VIP6, laterFragment())), i);
                frames.put(hex(ipv6(mac, 58, SERVER6, c, icmp6About(1, c, port, SERVER6, 5353))), i);
                frames.put(hex(ipv6(mac, 58, ROUTER6, VIP6, icmp6About(2, VIP6, 53, c, port))), i);
                // neighbour solicitation for the virtual address, to its solicited-node group
                frames.put(hex(ipv6(mac, 58, c, IpAddress.parse("ff02::1:ff00:100"), ByteBuffer.allocate(24)
                        .put((byte) 135).putInt(0).put((byte) 0).put((byte) 0).put((byte) 0)
                        .put(VIP6.toBytes()).array())), -1 - i);
            }
            return frames;
        });
        Map<Integer, Set<String>> clients = new HashMap<>(membersByFlow);
        clients.keySet().removeIf(flow -> flow < 0);
        assertThat(clients).hasSize(FLOWS);
        assertThat(clients.values()).as("each client's frames on one member").allMatch(m -> m.size() == 1);
        assertThat(clients.values().stream().flatMap(Set::stream).distinct())
                .as("clients spread over both members").containsExactlyInAnyOrder("a", "b");
        membersByFlow.keySet().removeIf(flow -> flow >= 0);
        assertThat(membersByFlow).hasSize(FLOWS);
        assertThat(membersByFlow.values().stream().flatMap(Set::stream).distinct())
                .as("neighbour solicitations on the first member").containsExactly("a");
    }

    private static String hex(byte[] frame) {
        return HexFormat.of().formatHex(frame);
    }

    /** Sends FLOWS connections' frames through a two-member group with {@code program}; members by flow. */
    private static Map<Integer, Set<String>> run(BpfFilter program, int group) throws Exception {
        return run(program, group, mac -> {
            Map<String, Integer> frames = new HashMap<>();
            for (int i = 0; i < FLOWS; i++) {
                int port = 40000 + i * 7;
                frames.put(hex(ipv4(mac, 17, client(i), VIP, udp(port, 80))), i);
                frames.put(hex(ipv4(mac, 17, SERVER, client(i), udp(8080, port))), i);
                frames.put(hex(ipv4(mac, 1, ROUTER, client(i), icmpAbout(client(i), port, SERVER, 8080))), i);
                frames.put(hex(ipv4(mac, 1, ROUTER, VIP, icmpAbout(VIP, 80, client(i), port))), i);
            }
            return frames;
        });
    }

    /**
     * Sends the frames {@code framesFor} makes for the members' MAC (hex frame → flow) through a two-member group
     * with {@code program}; the members each flow's frames reached.
     */
    private static Map<Integer, Set<String>> run(BpfFilter program, int group,
                                                 java.util.function.LongFunction<Map<String, Integer>> framesFor)
            throws Exception {
        try (VethLab lab = VethLab.create()) {
            AfPacketConfig cfg = AfPacketConfig.forInterface(lab.host).pollTimeoutMillis(10)
                    .fanout(0x4b00 + group * 0x100 + (int) (ProcessHandle.current().pid() & 0xff))
                    .fanoutProgram(program).build();
            try (AfPacketIo a = AfPacketIo.open(cfg); AfPacketIo b = AfPacketIo.open(cfg)) {
                Map<String, Integer> frames = framesFor.apply(a.macAddress());
                List<String> cmd = new ArrayList<>(List.of("python3", "-c", "import socket, sys\n"
                        + "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)\ns.bind((sys.argv[1], 0))\n"
                        + "for f in sys.argv[2:]:\n    s.send(bytes.fromhex(f))\n", lab.peer));
                cmd.addAll(frames.keySet());
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
                            String got = hex(f);
                            // (a frame padded on its way would end in zeros)
                            Integer flow = frames.entrySet().stream().filter(e -> got.startsWith(e.getKey()))
                                    .map(Map.Entry::getValue).findFirst().orElse(null);
                            assertThat(flow).as("a frame sent: %s", got).isNotNull();
                            membersByFlow.computeIfAbsent(flow, k -> new java.util.HashSet<>()).add(member.getKey());
                            framesByMember.merge(member.getKey(), 1, Integer::sum);
                        }, 256);
                    }
                }
                assertThat(framesByMember.values().stream().mapToInt(Integer::intValue).sum())
                        .isEqualTo(frames.size());
                return membersByFlow;
            }
        }
    }
}
