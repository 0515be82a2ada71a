package io.jlvs.config;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;

/** What the parser asks about the host's network interfaces (keepalived refuses unknown or loopback ones). */
public interface HostInterfaces {

    boolean exists(String name);

    boolean isLoopback(String name);

    /** This host's interfaces, looked up when asked. */
    static HostInterfaces system() {
        return new HostInterfaces() {
            @Override
            public boolean exists(String name) {
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
                    return ni != null && ni.isLoopback();
                } catch (SocketException | RuntimeException e) {
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
