package io.jlvs.config.model;

import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** Expands a virtual_server_group address range (the last part of the address varies). */
final class Ranges {
    /** A group range larger than this is refused by the parser; keepalived allows 255 per IPv4 range. */
    static final int MAX = 65536;

    private Ranges() {
    }

    static List<IpAddress> expand(IpAddress first, IpAddress last) {
        List<IpAddress> out = new ArrayList<>();
        if (first.isV4()) {
            long a = first.v4() & 0xffffffffL;
            long b = last.v4() & 0xffffffffL;
            for (long v = a; v <= b && out.size() < MAX; v++) {
                out.add(IpAddress.ofV4((int) v));
            }
        } else {
            long lo = first.lo();
            for (long v = lo; Long.compareUnsigned(v, last.lo()) <= 0 && out.size() < MAX; v++) {
                out.add(IpAddress.ofV6(first.hi(), v));
                if (v == -1L) {
                    break;
                }
            }
        }
        return out;
    }
}
