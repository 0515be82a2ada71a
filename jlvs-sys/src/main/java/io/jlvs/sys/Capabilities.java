package io.jlvs.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's effective capability set, as the {@code CapEff:} line of {@code /proc/<pid>/status} gives it.
 *
 * @param effective the capability bits
 */
public record Capabilities(long effective) {
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    /** Parses the text of a {@code /proc/<pid>/status} file. */
    public static Capabilities parseStatus(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                try {
                    return new Capabilities(Long.parseUnsignedLong(hex, 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("CapEff is not hexadecimal: '" + hex + "'", e);
                }
            }
        }
        throw new IllegalArgumentException("no CapEff line in the status text");
    }

    public static Capabilities read(Path status) throws IOException {
        return parseStatus(Files.readString(status));
    }

    public boolean has(int capability) {
        return (effective >>> capability & 1) != 0;
    }

    public boolean netRaw() {
        return has(CAP_NET_RAW);
    }

    public boolean netAdmin() {
        return has(CAP_NET_ADMIN);
    }

    /** The set as the status file prints it: 16 hex digits. */
    public String hex() {
        return String.format("%016x", effective);
    }
}
