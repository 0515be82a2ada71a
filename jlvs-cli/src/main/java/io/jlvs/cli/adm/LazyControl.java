package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.io.IOException;
import java.util.List;

/**
 * An {@link IpvsControl} that connects on first use, so that -h, -v and refused command lines need no daemon.
 * A failed connection becomes a {@link DaemonUnreachableException}. Not thread-safe (one command line's use).
 */
public final class LazyControl implements IpvsControl {
    private final ControlConnector connector;
    private IpvsControl delegate;

    public LazyControl(ControlConnector connector) {
        this.connector = connector;
    }

    private IpvsControl delegate() throws IOException {
        if (delegate == null) {
            try {
                delegate = connector.connect();
            } catch (IOException | RuntimeException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                throw new DaemonUnreachableException(connector.describe(), reason, e);
            }
        }
        return delegate;
    }

    @Override
    public void execute(IpvsCommand command) throws IpvsException, IOException {
        delegate().execute(command);
    }

    @Override
    public IpvsTableView table() throws IOException {
        return delegate().table();
    }

    @Override
    public List<ConnectionView> connections() throws IOException {
        return delegate().connections();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() throws IOException {
        return delegate().syncDaemons();
    }
}
