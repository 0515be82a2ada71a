package io.jlvs.vrrp.settings;

import java.nio.file.Path;
import java.util.List;

/**
 * An instance's notify surfaces: per-state scripts run as given, the generic {@code notify} script run with
 * {@code INSTANCE name state priority} appended, the {@code notify_fifo} (may be null), and the longest any of
 * these scripts may run before it is killed. Each script is an argv list, run without a shell; an empty list
 * means none.
 */
public record NotifySettings(List<String> master, List<String> backup, List<String> fault, List<String> stop,
                             List<String> generic, Path fifo, long timeoutMillis) {

    public static final NotifySettings NONE =
            new NotifySettings(List.of(), List.of(), List.of(), List.of(), List.of(), null, 15_000);

    public NotifySettings {
        master = List.copyOf(master);
        backup = List.copyOf(backup);
        fault = List.copyOf(fault);
        stop = List.copyOf(stop);
        generic = List.copyOf(generic);
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("script timeout must be >= 1 ms");
        }
    }
}
