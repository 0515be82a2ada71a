package io.jlvs.cli.daemon;

import io.jlvs.cli.adm.ControlConnector;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.engine.control.ControlClient;
import java.io.IOException;
import java.nio.file.Path;

/** jlvsadm's way to the daemon: the control socket ($JLVS_SOCKET or the default for this user). */
public final class SocketControlConnector implements ControlConnector {
    private final Path socket;

    /** For ServiceLoader: the socket from the environment. */
    public SocketControlConnector() {
        this(SocketPaths.current().socket(null));
    }

    public SocketControlConnector(Path socket) {
        this.socket = socket;
    }

    @Override
    public IpvsControl connect() throws IOException {
        try {
            return ControlClient.connect(socket);
        } catch (IOException e) {
            // jlvsadm words the line itself ("cannot reach the jlvs daemon at <describe()>: <reason>; ...")
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(cause.getMessage() + " (set JLVS_SOCKET if the daemon uses another socket)", e);
        }
    }

    @Override
    public String describe() {
        return socket.toString();
    }
}
