package io.jlvs.packet;

import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reply to a new NAT client whose MAC the neighbour cache does not hold yet waits for it, as the kernel
 * queues packets on a neighbour it is resolving, instead of being dropped (TCP would resend it after a
 * second): it leaves, rewritten and in order, as soon as the address resolves, and is dropped as
 * NO_NEIGHBOUR only after a second.
 */
class NeighbourQueueTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final String NEW_CLIENT = "192.0.2.77";
    private static final long NEW_CLIENT_MAC = 0x02_00_00_00_07_07L;

    private static byte[] syn(String client, int port) {
        return PacketBuilder.tcp(client, port, VIP, 80).flags(0x02).macs(NEW_CLIENT_MAC, OUR_MAC).build();
    }

    private static byte[] reply(String client, int port, int flags, int payload) {
        return PacketBuilder.tcp(RS1, 8080, client, port).flags(flags).payload(payload).macs(RS1_MAC, OUR_MAC).build();
    }

    @Test
    void aReplyToANewClientLeavesOnceItsAddressResolves() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            assertThat(d.send(syn(NEW_CLIENT, 5000))).hasSize(1);
            assertThat(d.send(reply(NEW_CLIENT, 5000, 0x12, 0))).as("SYN-ACK waits").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            assertThat(d.send(reply(NEW_CLIENT, 5000, 0x18, 11))).as("and so does the next reply").isEmpty();
            assertThat(d.dataplane.drops(DropReason.NO_NEIGHBOUR)).isZero();

            d.neighbours.put(PacketBuilder.addr(NEW_CLIENT), NEW_CLIENT_MAC);
            d.dataplane.runOnce();
            List<byte[]> out = d.io.takeTransmitted();
            assertThat(out).hasSize(2);
            for (byte[] f : out) {
                MemorySegment s = MemorySegment.ofArray(f);
                assertThat(EthernetHeader.dst(s, 0)).isEqualTo(NEW_CLIENT_MAC);
                assertThat(Ipv4Header.src(s, 14)).as("from the VIP").isEqualTo(PacketBuilder.addr(VIP));
                assertThat(PartialChecksumTest.verifies(f)).isTrue();
            }
            assertThat(Wire.u8(MemorySegment.ofArray(out.get(0)), 34 + 13)).as("in order: SYN-ACK first")
                    .isEqualTo(0x12);
            assertThat(d.dataplane.forwarded()).isEqualTo(3);
        }
    }

    @Test
    void aClientThatNeverResolvesIsDroppedAfterASecondAndTheQueueHasRoomAgain() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            for (int i = 0; i < NeighbourQueue.SLOTS + 5; i++) {
                d.send(syn(NEW_CLIENT, 6000 + i));
                d.send(reply(NEW_CLIENT, 6000 + i, 0x12, 0));
            }
            assertThat(d.dataplane.drops(DropReason.NO_NEIGHBOUR)).as("beyond the queue's room").isEqualTo(5);
            d.advance(1);
            assertThat(d.dataplane.drops(DropReason.NO_NEIGHBOUR)).isEqualTo(5 + NeighbourQueue.SLOTS);
            d.send(syn(NEW_CLIENT, 7000));
            assertThat(d.send(reply(NEW_CLIENT, 7000, 0x12, 0))).isEmpty();
            assertThat(d.verdict()).as("room again").isEqualTo(Verdict.QUEUED);
        }
    }
}
