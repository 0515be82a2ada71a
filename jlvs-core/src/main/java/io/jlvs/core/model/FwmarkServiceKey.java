package io.jlvs.core.model;

import io.jlvs.core.AddressFamily;

/** A firewall-mark virtual service (-f N, -6 for IPv6). */
public record FwmarkServiceKey(int fwmark, AddressFamily family) implements VirtualServiceKey {

    public FwmarkServiceKey {
        if (fwmark == 0) {
            throw new IllegalArgumentException("fwmark must be non-zero");
        }
        if (family == null) {
            throw new IllegalArgumentException("family is required");
        }
    }

    @Override
    public int protocolNumber() {
        return 0;
    }

    @Override
    public String toString() {
        return "fwm:" + Integer.toUnsignedString(fwmark) + (family == AddressFamily.INET6 ? ":ipv6" : "");
    }
}
