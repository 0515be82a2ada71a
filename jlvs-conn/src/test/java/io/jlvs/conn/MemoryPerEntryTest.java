package io.jlvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/** A million connections must cost at most 128 bytes each on the heap (the kernel's figure). */
class MemoryPerEntryTest {
    private static final int ENTRIES = 1_000_000;

    @Test
    void aMillionConnectionsCostAtMost128BytesEach() {
        DestinationState rs = Flows.server(Flows.RS1, 80, ForwardingMethod.MASQ);
        long before = usedHeap();
        ConnTable table = new ConnTable(ENTRIES, ConnTableSettings.DEFAULTS, io.jlvs.core.view.Timeouts.DEFAULTS, 7, 0);
        for (int i = 0; i < ENTRIES; i++) {
            int id = table.create(6, false, 0, 0x0a000000L + (i >>> 16), 1024 + (i & 0xffff), 0, 0xc0a8000aL, 80,
                    false, 0, 0x0a00000bL, 80, rs, false, ConnTable.NO_ENTRY, 0);
            table.onPacket(id, ConnTable.INPUT, TcpState.FLAG_SYN, 0);
        }
        long after = usedHeap();
        double perEntry = (after - before) / (double) ENTRIES;
        System.out.printf("connection table: %.1f bytes per entry at %d entries%n", perEntry, table.size());
        assertThat(table.size()).isEqualTo(ENTRIES);
        assertThat(perEntry).isBetween(64.0, 128.0);
        assertThat(table.lookupIn(6, false, 0, 0x0a000000L + 3, 1024 + 7, 0, 0xc0a8000aL, 80))
                .isEqualTo(3 * 65536 + 7);
    }

    private static long usedHeap() {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mx.getHeapMemoryUsage().getUsed();
    }
}
