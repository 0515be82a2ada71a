package io.jlvs.config.model;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import java.time.Duration;
import java.util.List;

/**
 * real_server IP [port] { ... }.
 *
 * @param forwarding null: the virtual server's lb_kind applies
 * @param alpha      null when not set here (the virtual server's applies)
 * @param retry      null when not set here (then the virtual server's, then the checker's default)
 */
public record RealServerDef(
        IpAddress address,
        int port,
        int weight,
        Forwarding forwarding,
        int upperThreshold,
        int lowerThreshold,
        boolean inhibitOnFailure,
        Boolean alpha,
        String notifyUp,
        String notifyDown,
        Integer retry,
        Duration delayBeforeRetry,
        Duration warmup,
        Duration connectTimeout,
        Duration delayLoop,
        String virtualhost,
        List<CheckerDef> checkers) {

    public RealServerDef {
        checkers = List.copyOf(checkers);
    }

    public RealServerDef withWeight(int newWeight) {
        return new RealServerDef(address, port, newWeight, forwarding, upperThreshold, lowerThreshold,
                inhibitOnFailure, alpha, notifyUp, notifyDown, retry, delayBeforeRetry, warmup, connectTimeout,
                delayLoop, virtualhost, checkers);
    }

    public RealServerDef withInhibitOnFailure(boolean inhibit) {
        return new RealServerDef(address, port, weight, forwarding, upperThreshold, lowerThreshold, inhibit, alpha,
                notifyUp, notifyDown, retry, delayBeforeRetry, warmup, connectTimeout, delayLoop, virtualhost, checkers);
    }

    /** The IPVS destination, with the virtual server's forwarding when this one sets none. */
    public RealServer toRealServer(Forwarding serviceDefault) {
        Forwarding f = forwarding != null ? forwarding
                : serviceDefault != null ? serviceDefault : Forwarding.of(ForwardingMethod.MASQ);
        return new RealServer(address, port, f.method(), weight, upperThreshold, lowerThreshold,
                f.tunnelType(), f.tunnelPort(), f.tunnelChecksum());
    }
}
