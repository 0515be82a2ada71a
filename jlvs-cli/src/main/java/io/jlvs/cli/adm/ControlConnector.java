package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsControl;
import java.io.IOException;

/**
 * How jlvsadm reaches the daemon: found with {@link java.util.ServiceLoader} (the first one wins), connected only
 * when a command needs the table.
 */
public interface ControlConnector {

    /** Opens a client to the daemon. */
    IpvsControl connect() throws IOException;

    /** Where the daemon is expected, for messages (e.g. the control socket's path). */
    String describe();
}
