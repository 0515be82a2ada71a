package io.jlvs.cli.daemon;

import io.jlvs.core.command.IpvsControl;
import java.nio.file.Path;

/**
 * What a daemon needs to start.
 *
 * @param socket  the control socket path
 * @param pidFile where to write the pid
 * @param engine  the IPVS table the socket serves; closed with the daemon when it is {@link AutoCloseable}
 */
public record DaemonOptions(Path socket, Path pidFile, IpvsControl engine) {
    public DaemonOptions {
        if (socket == null || pidFile == null || engine == null) {
            throw new IllegalArgumentException("socket, pid file and engine are required");
        }
    }
}
