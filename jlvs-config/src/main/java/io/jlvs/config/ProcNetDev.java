package io.jlvs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** The link names of {@code /proc/net/dev}: every interface of a network namespace, with an address or not. */
final class ProcNetDev {
    /** The namespace this process runs in. */
    static final Path SELF = Path.of("/proc/self/net/dev");

    private ProcNetDev() {
    }

    /** The names listed in {@code file}, or null when it cannot be read. */
    static Set<String> names(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        // two header lines ("Inter-|   Receive ...", " face |bytes ..."), then "  eth0: 1234 ..." (no name has a ':')
        text.lines().skip(2).forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.add(line.substring(0, colon).strip());
            }
        });
        return out;
    }
}
