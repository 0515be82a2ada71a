package io.jlvs.config.model;

import io.jlvs.core.AddressFamily;
import java.util.List;

/** virtual_server_group NAME { entries }. */
public record VirtualServerGroupDef(String name, List<VirtualServerGroupEntry> entries) {
    public VirtualServerGroupDef {
        entries = List.copyOf(entries);
    }

    /** Whether an address, or a fwmark given this family, is of {@code family} (keepalived's have_ipv4/have_ipv6). */
    public boolean has(AddressFamily family) {
        return entries.stream().anyMatch(e -> e.family() == family);
    }

    /** The group's one family, or null when it has both or neither (fwmarks without family only). */
    public AddressFamily family() {
        boolean v4 = has(AddressFamily.INET);
        boolean v6 = has(AddressFamily.INET6);
        return v4 == v6 ? null : v4 ? AddressFamily.INET : AddressFamily.INET6;
    }
}
