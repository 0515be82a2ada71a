package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;

/**
 * What a checker checks, named as keepalived names it in logs: the real server {@code [10.0.0.11]:tcp:80}
 * and its virtual server {@code [192.168.0.10]:tcp:80} (or {@code FWM 1}).
 */
public record CheckSubject(VirtualServiceKey virtualService, IpAddress address, int port) {

    public CheckSubject {
        if (virtualService == null || address == null) {
            throw new IllegalArgumentException("virtual service and address are required");
        }
    }

    /** The real server as keepalived's FMT_RS prints it: {@code [10.0.0.11]:tcp:80}. */
    public String realServerLabel() {
        return trio(address, protocolName(), port);
    }

    /** The virtual server as keepalived's FMT_VS prints it. */
    public String virtualServerLabel() {
        return label(virtualService);
    }

    public static String label(VirtualServiceKey key) {
        return switch (key) {
            case InetServiceKey inet -> trio(inet.address(), inet.protocol().lowerName(), inet.port());
            case FwmarkServiceKey fwm -> "FWM " + fwm.fwmark();
        };
    }

    private String protocolName() {
        return virtualService instanceof InetServiceKey inet ? inet.protocol().lowerName() : fwmarkProtocol();
    }

    private String fwmarkProtocol() {
        int number = virtualService.protocolNumber();
        for (Protocol p : Protocol.values()) {
            if (p.number() == number) {
                return p.lowerName();
            }
        }
        return "none";
    }

    /** {@code [addr]:proto:port}, keepalived's inet_sockaddrtotrio. */
    public static String trio(IpAddress address, String protocol, int port) {
        return "[" + address + "]:" + protocol + ":" + port;
    }

    /** {@code [addr]:port}, keepalived's inet_sockaddrtopair. */
    public static String pair(IpAddress address, int port) {
        return "[" + address + "]:" + port;
    }
}
