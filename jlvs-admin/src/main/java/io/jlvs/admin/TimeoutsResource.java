package io.jlvs.admin;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.Timeouts;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;

/** GET /timeouts and PUT /timeouts (--set tcp tcpfin udp; 0 keeps a value). */
final class TimeoutsResource implements ApiResource {
    /** ipvsadm's MAX_TIMEOUT for --set. */
    static final int MAX_TIMEOUT = 86400 * 31;
    private final IpvsControl control;
    private final EventLog events;

    TimeoutsResource(IpvsControl control, EventLog events) {
        this.control = control;
        this.events = events;
    }

    @Override
    public void handle(ApiExchange ex) throws IOException, IpvsException {
        if (ex.path().size() != 1) {
            throw ApiException.notFound("no resource under /timeouts");
        }
        ex.allow("GET", "PUT");
        if (ex.method().equals("PUT")) {
            Timeouts set = IpvsJson.readTimeouts(ex.body());
            for (int v : new int[] {set.tcp(), set.tcpFin(), set.udp()}) {
                if (v > MAX_TIMEOUT) {
                    // ipvsadm's (and jlvsadm's) limit for --set: 31 days
                    throw ApiException.badRequest("invalid timeout value `" + v + "' specified (at most "
                            + MAX_TIMEOUT + " seconds)");
                }
            }
            control.execute(new IpvsCommand.SetTimeouts(set));
            Timeouts now = control.table().timeouts();
            events.record(EventLog.CONFIG, "API: timeouts set to tcp " + now.tcp() + " tcpfin " + now.tcpFin()
                    + " udp " + now.udp());
        }
        ex.json(200, IpvsJson.write(control.table().timeouts()));
    }
}
