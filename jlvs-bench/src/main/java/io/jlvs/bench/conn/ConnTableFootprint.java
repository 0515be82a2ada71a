package io.jlvs.bench.conn;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.Timeouts;
import java.lang.management.ManagementFactory;

/**
 * Prints the heap cost per entry of a full connection table (heap used after filling, minus before,
 * divided by entries). Usage: {@code java -cp ... io.jlvs.bench.conn.ConnTableFootprint [entries]}.
 */
public final class ConnTableFootprint {
    private ConnTableFootprint() {
    }

    public static void main(String[] args) {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        DestinationState rs = new DestinationState(RealServer.of(IpAddress.ofV4(0x0a00000b), 80, ForwardingMethod.MASQ, 1));
        long before = used();
        ConnTable table = new ConnTable(entries, ConnTableSettings.DEFAULTS, Timeouts.DEFAULTS, 1, 0);
        for (int i = 0; i < entries; i++) {
            table.create(6, false, 0, 0x64000000L + (i >>> 14), 1024 + (i & 0x3fff), 0, 0xc0a8000aL, 80,
                    false, 0, 0x0a00000bL, 80, rs, false, ConnTable.NO_ENTRY, 0);
        }
        long after = used();
        System.out.printf("%d entries: %.1f bytes per entry (heap delta %d bytes)%n",
                table.size(), (after - before) / (double) entries, after - before);
    }

    private static long used() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
