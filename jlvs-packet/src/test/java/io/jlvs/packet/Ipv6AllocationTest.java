package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2_MAC;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_2;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.RealServer;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 path allocates nothing per packet in steady state: NAT both ways and DR, and a datagram put together
 * from its fragments and cut again (the reassembly slot's buffer is allocated once), measured with the thread's allocation counter after the JIT warmed up (as KernelNeighboursTest's
 * aLookupAllocatesNothing).
 */
class Ipv6AllocationTest {
    @Test
    void forwardingEstablishedIpv6ConnectionsAllocatesNothing() throws Exception {
        IpAddress client = IpAddress.parse(CLIENT6);
        IpAddress rs1 = IpAddress.parse(RS6_1);
        IpAddress rs2 = IpAddress.parse(RS6_2);
        // the Director harness's map of next hops allocates a key per lookup: a table that does not
        NeighbourTable table = new NeighbourTable() {
            @Override
            public long nextHopMac(int ipv4) {
                return UNKNOWN;
            }

            @Override
            public long nextHopMac6(long hi, long lo) {
                return lo == client.lo() ? CLIENT_MAC : lo == rs1.lo() ? RS1_MAC : lo == rs2.lo() ? RS2_MAC : UNKNOWN;
            }
        };
        long[] clock = {1_000 * Director.SECOND};
        IpvsEngine engine = new IpvsEngine();
        try (MemoryPacketIo io = new MemoryPacketIo(OUR_MAC, 1500, 64, 9216)) {
            Dataplane d = new Dataplane(io, new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096,
                    ConnTableSettings.DEFAULTS, 7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE), table,
                    () -> clock[0]);
            d.attachTo(engine);
            InetServiceKey nat = Director.key(Protocol.TCP, VIP6, 80);
            InetServiceKey dr = Director.key(Protocol.UDP, VIP6, 53);
            engine.execute(new IpvsCommand.AddService(VirtualService.of(nat, "rr")));
            engine.execute(new IpvsCommand.AddServer(nat, RealServer.of(rs1, 8080, ForwardingMethod.MASQ, 1)));
            engine.execute(new IpvsCommand.AddService(VirtualService.of(dr, "rr")));
            engine.execute(new IpvsCommand.AddServer(dr, RealServer.of(rs2, 53, ForwardingMethod.DROUTE, 1)));
            io.inject(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            io.inject(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            d.runOnce();
            io.discardTransmitted();
            List<MemorySegment> frames = new java.util.ArrayList<>(List.of(
                    MemorySegment.ofArray(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(500)
                            .build()),
                    MemorySegment.ofArray(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x10).payload(1400)
                            .macs(RS1_MAC, OUR_MAC).build()),
                    MemorySegment.ofArray(Packet6Builder.udp(CLIENT6, 5000, VIP6, 53).payload(40).build())));
            // a 3,000-byte datagram in three fragments: one verdict, sent on as three fragments
            for (byte[] f : Fragments6.cut(Packet6Builder.udp(CLIENT6, 5001, VIP6, 53).payload(3000).packet(), 40, 1448,
                    9, CLIENT_MAC, OUR_MAC)) {
                frames.add(MemorySegment.ofArray(f));
            }
            // the frames are rewritten in place by the data plane: each round feeds fresh copies
            MemorySegment[] copies = new MemorySegment[frames.size()];
            for (int i = 0; i < copies.length; i++) {
                copies[i] = MemorySegment.ofArray(new byte[(int) frames.get(i).byteSize()]);
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 60_000; round++) { // warm up the JIT
                feed(io, d, frames, copies);
            }
            long forwardedBefore = d.forwarded();
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 30_000; round++) {
                feed(io, d, frames, copies);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(d.forwarded() - forwardedBefore).isEqualTo(120_000);
            assertThat(d.fragmentedPackets()).as("the datagram left as fragments each round").isEqualTo(90_000);
            assertThat(allocated).as("bytes allocated for 90,000 IPv6 packets and 30,000 datagrams in fragments")
                    .isLessThan(1024);
        }
    }

    private static void feed(MemoryPacketIo io, Dataplane d, List<MemorySegment> frames, MemorySegment[] copies) {
        for (int i = 0; i < copies.length; i++) {
            copies[i].copyFrom(frames.get(i));
            io.inject(copies[i], 0, (int) copies[i].byteSize());
        }
        d.runOnce();
        io.discardTransmitted();
    }
}
