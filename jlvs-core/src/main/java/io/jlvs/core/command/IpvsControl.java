package io.jlvs.core.command;

import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import java.io.IOException;
import java.util.List;

/**
 * The operations ipvsadm has on the kernel, as jlvs offers them: implemented in-process by the engine,
 * and over the control socket by a client. jlvsadm and the REST API speak only this.
 * {@link IOException} means the daemon could not be reached or the transport failed.
 */
public interface IpvsControl {

    /** Applies one command, or refuses it with the reason. */
    void execute(IpvsCommand command) throws IpvsException, IOException;

    /** The whole table with counters and rates, services in ipvsadm's order. */
    IpvsTableView table() throws IOException;

    /** Connection entries and persistence templates, for -Lc. */
    List<ConnectionView> connections() throws IOException;

    /** Running sync daemons, for --daemon. */
    List<SyncDaemonView> syncDaemons() throws IOException;
}
