package io.jlvs.config;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** What the parser asks about the host's network interfaces (keepalived refuses unknown or loopback ones). */
public interface HostInterfaces {

    boolean exists(String name);

    boolean isLoopback(String name);

    /**
     * This host's interfaces, looked up when asked. keepalived asks the kernel (netlink), which knows every link;
     * Java's {@link NetworkInterface} only lists those with an address, so a link that is down or a bond slave
     * would look absent. The names come from {@code /proc/self/net/dev} (the namespace we run in), and only
     * where that cannot be read from {@link NetworkInterface}.
     */
    static HostInterfaces system() {
        return new HostInterfaces() {
            @Override
            public boolean exists(String name) {
                Set<String> names = ProcNetDev.names(ProcNetDev.SELF);
                if (names != null) {
                    return names.contains(name);
                }
                try {
                    return NetworkInterface.getByName(name) != null;
                } catch (SocketException | RuntimeException e) {
                    return false;
                }
            }

            @Override
            public boolean isLoopback(String name) {
                try {
                    NetworkInterface ni = NetworkInterface.getByName(name);
                    if (ni != null) {
                        return ni.isLoopback();
                    }
                } catch (SocketException | RuntimeException e) {
                    // fall through to the link type
                }
                // no address: the link type (ARPHRD_LOOPBACK is 772)
                try {
                    return Files.readString(Path.of("/sys/class/net", name, "type")).strip().equals("772");
                } catch (IOException | RuntimeException e) {
                    return false;
                }
            }
        };
    }

    /** A fixed set of interfaces, none loopback except "lo" (tests). */
    static HostInterfaces of(Set<String> names) {
        Set<String> copy = Set.copyOf(names);
        return new HostInterfaces() {
            @Override
            public boolean exists(String name) {
                return copy.contains(name) || name.equals("lo");
            }

            @Override
            public boolean isLoopback(String name) {
                return name.equals("lo");
            }
        };
    }
}
