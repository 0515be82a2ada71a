package io.jlvs.core.command;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;

/**
 * A change to the IPVS table, as one ipvsadm command expresses it. jlvsadm builds these, the control
 * socket carries them, the engine applies them (or answers with an {@link IpvsException}).
 */
public sealed interface IpvsCommand {

    record AddService(VirtualService service) implements IpvsCommand { }

    record EditService(VirtualService service) implements IpvsCommand { }

    record DeleteService(VirtualServiceKey key) implements IpvsCommand { }

    record Clear() implements IpvsCommand { }

    record AddServer(VirtualServiceKey key, RealServer server) implements IpvsCommand { }

    record EditServer(VirtualServiceKey key, RealServer server) implements IpvsCommand { }

    record DeleteServer(VirtualServiceKey key, IpAddress address, int port) implements IpvsCommand { }

    /** -Z; key null = every service. */
    record Zero(VirtualServiceKey key) implements IpvsCommand { }

    record SetTimeouts(Timeouts timeouts) implements IpvsCommand { }

    record StartDaemon(SyncDaemonView daemon) implements IpvsCommand { }

    /** state "master" or "backup". */
    record StopDaemon(String state) implements IpvsCommand { }
}
