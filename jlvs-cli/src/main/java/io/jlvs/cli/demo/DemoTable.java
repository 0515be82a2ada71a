package io.jlvs.cli.demo;

import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The table as `jlvsadm -Ln` prints it (real servers by address, then port), for the services the demo creates (inet services, no flags). */
final class DemoTable {
    private DemoTable() {
    }

    static String format(IpvsTableView table) {
        StringBuilder sb = new StringBuilder();
        sb.append("IP Virtual Server version 1.2.1 (size=").append(table.connTableSize()).append(")\n");
        sb.append("Prot LocalAddress:Port Scheduler Flags\n");
        sb.append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        for (VirtualServiceView v : table.services()) {
            VirtualService s = v.service();
            if (s.key() instanceof InetServiceKey k) {
                sb.append(String.format("%-4s %s %s", k.protocol().label(), k.address().withPort(k.port()),
                        s.scheduler()));
            } else {
                sb.append(String.format("FWM  %s %s", s.key(), s.scheduler()));
            }
            if (s.persistent()) {
                sb.append(" persistent ").append(s.persistenceTimeout());
            }
            sb.append('\n');
            List<RealServerView> servers = new ArrayList<>(v.realServers());
            servers.sort(Comparator.comparing((RealServerView r) -> r.server().address())
                    .thenComparingInt(r -> r.server().port()));
            for (RealServerView r : servers) {
                sb.append(String.format("  -> %-28s %-7s %-6d %-10d %-10d%n",
                        r.server().address().withPort(r.server().port()), r.server().method().label(),
                        r.server().weight(), r.activeConns(), r.inactiveConns()));
            }
        }
        return sb.toString();
    }
}
