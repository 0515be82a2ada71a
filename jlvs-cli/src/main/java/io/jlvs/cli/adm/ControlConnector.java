package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsControl;
import java.io.IOException;

/** How jlvsadm reaches the IPVS table; found with ServiceLoader. */
public interface ControlConnector {
    IpvsControl connect() throws IOException;

    String describe();
}
