package io.jlvs.admin;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.util.List;

/** A read-only IPVS table with fixed counters (a real engine's counters only move with traffic). */
final class FixedTable implements IpvsControl {
    private final IpvsTableView table;

    FixedTable(IpvsTableView table) {
        this.table = table;
    }

    @Override
    public void execute(IpvsCommand command) {
        throw new UnsupportedOperationException("read-only table");
    }

    @Override
    public IpvsTableView table() {
        return table;
    }

    @Override
    public List<ConnectionView> connections() {
        return List.of();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() {
        return List.of();
    }
}
