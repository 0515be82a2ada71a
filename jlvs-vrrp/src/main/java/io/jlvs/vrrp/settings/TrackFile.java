package io.jlvs.vrrp.settings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@code vrrp_track_file}: a file holding an integer, read every {@code intervalMillis}. With {@code weight 0}
 * any non-zero value puts the instance in FAULT; otherwise {@code value * weight} is added to the priority, and a
 * result of -254 or less is a FAULT (keepalived's rule). An unreadable or non-numeric file counts as 0.
 */
public record TrackFile(String name, Path file, int weight, long intervalMillis) {

    public TrackFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("track file interval must be >= 1 ms");
        }
    }
}
