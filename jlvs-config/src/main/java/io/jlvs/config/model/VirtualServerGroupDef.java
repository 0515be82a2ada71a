package io.jlvs.config.model;

import java.util.List;

/** virtual_server_group NAME { entries }. */
public record VirtualServerGroupDef(String name, List<VirtualServerGroupEntry> entries) {
    public VirtualServerGroupDef {
        entries = List.copyOf(entries);
    }
}
