package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsControl;
import java.io.IOException;

/** Stands in when no {@link ControlConnector} is on the class path: every connection attempt fails, saying so. */
final class MissingConnector implements ControlConnector {
    @Override
    public IpvsControl connect() throws IOException {
        throw new IOException("no control client is installed (no io.jlvs.cli.adm.ControlConnector service)");
    }

    @Override
    public String describe() {
        return "its control socket";
    }
}
