package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed-input drop reason, as (description, frame, reason); nothing is transmitted for any. */
class MalformedFrameTest {
    private static final int IP = 14;

    static byte[] tcpSyn() {
        return PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build();
    }

    static byte[] udp() {
        return PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(8).macs(CLIENT_MAC, OUR_MAC).build();
    }

    /** Applies {@code edit} to a copy, then repairs the IPv4 header checksum unless told not to. */
    static byte[] edit(byte[] frame, boolean fixChecksum, UnaryOperator<byte[]> edit) {
        byte[] f = edit.apply(frame.clone());
        if (fixChecksum) {
            int ihl = (f[IP] & 0xf) * 4;
            if (ihl >= 20 && IP + ihl <= f.length) {
                f[IP + 10] = 0;
                f[IP + 11] = 0;
                PacketBuilder.put16(f, IP + 10, PacketBuilder.checksum(f, IP, ihl, 0));
            }
        }
        return f;
    }

    static UnaryOperator<byte[]> set(int at, int value) {
        return f -> {
            f[at] = (byte) value;
            return f;
        };
    }

    static Stream<Arguments> frames() {
        return Stream.of(
                Arguments.of("10-byte frame", Arrays.copyOf(tcpSyn(), 10), DropReason.SHORT_FRAME),
                Arguments.of("VLAN tag cut short", Arrays.copyOf(PacketBuilder.tcp(CLIENT, 1, VIP, 80).vlan(3).build(), 16),
                        DropReason.SHORT_FRAME),
                Arguments.of("IPv4 header cut short", Arrays.copyOf(tcpSyn(), 30), DropReason.SHORT_FRAME),
                Arguments.of("IPv6 EtherType", edit(tcpSyn(), false, set(12, 0x86)), DropReason.NOT_IPV4),
                Arguments.of("IP version 6 in an IPv4 frame", edit(tcpSyn(), true, set(IP, 0x65)), DropReason.NOT_IPV4),
                Arguments.of("IHL 4", edit(tcpSyn(), false, set(IP, 0x44)), DropReason.BAD_IHL),
                Arguments.of("IHL 15 beyond the frame", Arrays.copyOf(edit(tcpSyn(), false, set(IP, 0x4f)), IP + 40),
                        DropReason.BAD_IHL),
                Arguments.of("total length below the header", edit(tcpSyn(), true, f -> {
                    PacketBuilder.put16(f, IP + 2, 19);
                    return f;
                }), DropReason.BAD_IP_LENGTH),
                Arguments.of("total length beyond the frame", edit(tcpSyn(), true, f -> {
                    PacketBuilder.put16(f, IP + 2, 200);
                    return f;
                }), DropReason.SHORT_FRAME),
                Arguments.of("merged segments cut to the ring slot (total length 30,000 > MTU)",
                        edit(tcpSyn(), true, f -> {
                            PacketBuilder.put16(f, IP + 2, 30_000);
                            return f;
                        }), DropReason.OVERSIZED),
                Arguments.of("bad IP checksum", edit(tcpSyn(), false, set(IP + 11, 0x5a)), DropReason.BAD_IP_CHECKSUM),
                // one not in 8-byte units is cut to them, as Linux does (ReassemblyTest); under 8 bytes, nothing is left
                Arguments.of("a fragment of under 8 bytes before the last", edit(PacketBuilder.tcp(CLIENT, 40000, VIP,
                        80).df(false).fragment(true, 0).build(), true, f -> {
                            PacketBuilder.put16(f, IP + 2, 20 + 7);
                            return Arrays.copyOf(f, IP + 20 + 7);
                        }), DropReason.FRAGMENT),
                Arguments.of("a fragment ending beyond 65,535 bytes (the ping of death)", PacketBuilder.tcp(CLIENT, 40000,
                        VIP, 80).df(false).fragment(false, 8189).build(), DropReason.FRAGMENT),
                Arguments.of("TCP data offset 4", PacketBuilder.tcp(CLIENT, 40000, VIP, 80).dataOffset(4).build(),
                        DropReason.BAD_TCP_OFFSET),
                Arguments.of("TCP data offset beyond the segment", edit(tcpSyn(), false, set(IP + 20 + 12, 0xf0)),
                        DropReason.BAD_TCP_OFFSET),
                Arguments.of("TCP header cut to 10 bytes", edit(Arrays.copyOf(tcpSyn(), IP + 30), true, f -> {
                    PacketBuilder.put16(f, IP + 2, 30);
                    return f;
                }), DropReason.SHORT_FRAME),
                Arguments.of("UDP length 7", edit(udp(), false, f -> {
                    PacketBuilder.put16(f, IP + 20 + 4, 7);
                    return f;
                }), DropReason.BAD_UDP_LENGTH),
                Arguments.of("UDP length beyond the datagram", edit(udp(), false, f -> {
                    PacketBuilder.put16(f, IP + 20 + 4, 400);
                    return f;
                }), DropReason.BAD_UDP_LENGTH),
                Arguments.of("SCTP with a wrong CRC32c", edit(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).build(), false,
                        set(IP + 20 + 8, 0)), DropReason.BAD_SCTP_CHECKSUM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void dropsAndCounts(String description, byte[] frame, DropReason reason) throws Exception {
        try (Director d = new Director()) {
            for (Protocol p : Protocol.values()) {
                int port = p == Protocol.UDP ? 53 : p == Protocol.SCTP ? 5060 : 80;
                d.service(p, port, "rr").server(Director.key(p, VIP, port), RS1, port, ForwardingMethod.MASQ, 1);
            }
            assertThat(d.send(frame)).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(reason);
            assertThat(d.dataplane.drops(reason)).isEqualTo(1);
            assertThat(d.dataplane.totalDrops()).isEqualTo(1);
            assertThat(d.connections()).isEmpty();
        }
    }
}
