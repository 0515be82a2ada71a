package io.jlvs.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node name keepalived uses as its default config id (uname -n). */
final class HostName {
    private HostName() {
    }

    static String get() {
        try {
            String s = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through to the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
