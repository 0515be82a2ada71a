package io.jlvs.vrrp.settings;

import java.util.List;
import java.util.Objects;

/** A {@code vrrp_sync_group}: its name and the names of its member instances. */
public record SyncGroupSettings(String name, List<String> members) {

    public SyncGroupSettings {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("vrrp_sync_group " + name + " has no members");
        }
    }
}
