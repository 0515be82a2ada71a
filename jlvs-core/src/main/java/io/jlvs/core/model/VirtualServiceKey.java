package io.jlvs.core.model;

import io.jlvs.core.AddressFamily;
import java.util.Comparator;

/**
 * What identifies a virtual service: (protocol, address, port) or a firewall mark with its family.
 * Natural order is ipvsadm's listing order: fwmark, family, protocol number, address, port.
 */
public sealed interface VirtualServiceKey extends Comparable<VirtualServiceKey>
        permits InetServiceKey, FwmarkServiceKey {

    /** 0 for address services. */
    int fwmark();

    AddressFamily family();

    /** Protocol number for ordering; 0 for fwmark services. */
    int protocolNumber();

    Comparator<VirtualServiceKey> ORDER = Comparator
            .comparingLong((VirtualServiceKey k) -> k.fwmark() & 0xffffffffL)
            .thenComparing(VirtualServiceKey::family)
            .thenComparingInt(VirtualServiceKey::protocolNumber)
            .thenComparing((a, b) -> a instanceof InetServiceKey x && b instanceof InetServiceKey y
                    ? x.address().compareTo(y.address()) : 0)
            .thenComparingInt(k -> k instanceof InetServiceKey x ? x.port() : 0);

    @Override
    default int compareTo(VirtualServiceKey o) {
        return ORDER.compare(this, o);
    }
}
