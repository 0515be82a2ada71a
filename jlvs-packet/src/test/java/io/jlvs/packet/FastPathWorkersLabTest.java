package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.sys.XdpFlowMap;
import io.jlvs.testkit.Lab;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two AF_PACKET workers writing their connections into the one flow table of the XDP fast path
 * ({@link FastPathLinks}): each worker's once-a-second sweep reads back only its own connections, under the
 * owner numbers it gave them, although both numbered their connections from 0. Without that a worker would
 * credit the other's traffic to a connection of its own. Needs root (a BPF map); nothing is attached.
 */
class FastPathWorkersLabTest {
    private static final String VIP = "10.77.0.100";

    private record Link(int sendingIfindex, int mtu) implements FastPathLinks.SendingLink {
    }

    private static MemorySegment sent(int clientPort) {
        return MemorySegment.ofArray(PacketBuilder.tcp("10.77.0.10", clientPort, "10.77.1.11", 80).flags(0x10)
                .macs(0x02_00_00_00_01_0bL, 0x02_00_00_00_01_02L).build());
    }

    @Test
    void eachWorkerReadsBackOnlyItsOwnConnectionsUnderItsOwnNumbers() {
        Lab.requireRoot();
        int client = PacketBuilder.addr("10.77.0.10");
        int vip = PacketBuilder.addr(VIP);
        try (XdpFlowMap table = XdpFlowMap.create(64);
                XdpFlowMap h0 = table.handle();
                XdpFlowMap h1 = table.handle()) {
            FlowOffload w0 = new FastPathLinks.WorkerOffload(h0, 0, new Link(7, 1500));
            FlowOffload w1 = new FastPathLinks.WorkerOffload(h1, 1, new Link(7, 1500));
            // both workers call their first connection's inbound direction owner 0, the second's 2
            assertThat(w0.offload(0, 6, client, 40000, vip, 80, sent(40000), 0, FlowOffload.IN_PLACE)).isTrue();
            assertThat(w0.offload(2, 6, client, 40001, vip, 80, sent(40001), 0, FlowOffload.IN_PLACE)).isTrue();
            assertThat(w1.offload(0, 6, client, 50000, vip, 80, sent(50000), 0, FlowOffload.IN_PLACE)).isTrue();

            Map<Integer, Integer> read0 = new HashMap<>();
            assertThat(w0.readAll((owner, frames, bytes) -> read0.merge(owner, 1, Integer::sum))).isEqualTo(2);
            assertThat(read0).containsExactlyInAnyOrderEntriesOf(Map.of(0, 1, 2, 1));
            Map<Integer, Integer> read1 = new HashMap<>();
            assertThat(w1.readAll((owner, frames, bytes) -> read1.merge(owner, 1, Integer::sum))).isEqualTo(1);
            assertThat(read1).containsExactlyInAnyOrderEntriesOf(Map.of(0, 1));

            // a worker takes back its own key; the other's entries stay
            long[] counts = new long[2];
            assertThat(w1.forget(6, client, 50000, vip, 80, counts)).isTrue();
            assertThat(w0.readAll((owner, frames, bytes) -> { })).isEqualTo(2);
            assertThat(w1.readAll((owner, frames, bytes) -> { })).isZero();
            // an owner number too large to carry a worker's number is refused, not misfiled
            assertThat(w1.offload(1 << FastPathLinks.WORKER_SHIFT, 6, client, 50001, vip, 80, sent(50001), 0,
                    FlowOffload.IN_PLACE)).isFalse();
        }
    }
}
