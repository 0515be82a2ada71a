package io.jlvs.engine.control;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records commands; answers queries with {@link Samples}; refuses or fails when told to. Thread-safe. */
final class FakeIpvsControl implements IpvsControl {
    final List<IpvsCommand> received = new CopyOnWriteArrayList<>();
    volatile IpvsException refusal;
    volatile RuntimeException failure;

    @Override
    public void execute(IpvsCommand command) throws IpvsException {
        if (failure != null) {
            throw failure;
        }
        if (refusal != null) {
            throw refusal;
        }
        received.add(command);
    }

    @Override
    public IpvsTableView table() {
        if (failure != null) {
            throw failure;
        }
        return Samples.table();
    }

    @Override
    public List<ConnectionView> connections() {
        return Samples.connections();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() {
        return List.of(Samples.MASTER, Samples.BACKUP);
    }
}
