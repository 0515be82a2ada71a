package io.jlvs.vrrp.settings;

import java.util.List;
import java.util.Objects;

/**
 * A {@code vrrp_script} as an instance tracks it. The script is run as {@code argv} (never through a shell)
 * every {@code intervalMillis}; it fails on a non-zero exit or when it outlives {@code timeoutMillis}. It goes up
 * after {@code rise} consecutive successes and down after {@code fall} consecutive failures. {@code weight} as in
 * keepalived: 0 puts the instance in FAULT while down; positive is added while up, negative while down.
 */
public record TrackScript(String name, List<String> argv, long intervalMillis, long timeoutMillis, int weight,
                          int rise, int fall, boolean initFail) {

    public TrackScript {
        Objects.requireNonNull(name, "name");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("vrrp_script " + name + " has no script");
        }
        if (intervalMillis < 1 || timeoutMillis < 1 || rise < 1 || fall < 1) {
            throw new IllegalArgumentException("vrrp_script " + name + ": interval, timeout, rise, fall must be >= 1");
        }
    }

    /** keepalived's defaults: interval 1 s, timeout = interval, rise 1, fall 1, weight 0. */
    public static TrackScript of(String name, List<String> argv) {
        return new TrackScript(name, argv, 1000, 1000, 0, 1, 1, false);
    }
}
