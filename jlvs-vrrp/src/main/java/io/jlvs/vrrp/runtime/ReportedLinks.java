package io.jlvs.vrrp.runtime;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What the VRRP routers of one daemon have logged about their interfaces' links: the state last reported for
 * each interface, so that "Netlink reports eth0 down" is logged once per change, as keepalived logs it, however
 * many routers (one per vrrp_instance or sync group) track the interface. Shared by routers on their own
 * threads.
 */
public final class ReportedLinks {
    private final ConcurrentHashMap<String, Boolean> states = new ConcurrentHashMap<>();

    /** The state a router read from the host at start: later reports are compared with it. */
    void current(String interfaceName, boolean up) {
        states.put(interfaceName, up);
    }

    /** A router heard a change; true when no router has reported this state of the interface yet. */
    boolean report(String interfaceName, boolean up) {
        Boolean before = states.put(interfaceName, up);
        return before == null || before != up;
    }
}
