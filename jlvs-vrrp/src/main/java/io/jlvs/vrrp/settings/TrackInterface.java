package io.jlvs.vrrp.settings;

import java.util.Objects;

/** A {@code track_interface} entry: the link going down is a FAULT ({@code weight 0}) or a priority change. */
public record TrackInterface(String name, int weight) {

    public TrackInterface {
        Objects.requireNonNull(name, "name");
    }
}
