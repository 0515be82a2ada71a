package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** The interface ioctls jlvs needs (SIOCGIFHWADDR, SIOCGIFMTU, SIOCETHTOOL), on any socket descriptor. */
final class Ifreq {
    private Ifreq() {
    }

    private static MemorySegment request(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(Abi.IFREQ_SIZE, 8);
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(b.length, Abi.IFNAMSIZ - 1));
        return ifr;
    }

    /** The hardware address as the low 48 bits, first octet most significant. */
    static long macAddress(Syscalls sys, int fd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = request(arena, name);
            sys.ioctl(fd, Abi.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR " + name);
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (ifr.get(ValueLayout.JAVA_BYTE, 18 + i) & 0xff);
            }
            return mac;
        }
    }

    static int mtu(Syscalls sys, int fd, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = request(arena, name);
            sys.ioctl(fd, Abi.SIOCGIFMTU, ifr, "SIOCGIFMTU " + name);
            return ifr.get(ValueLayout.JAVA_INT, Abi.IFNAMSIZ);
        }
    }

    /**
     * One SIOCETHTOOL with a command structure of any size ({@code struct ethtool_gstrings},
     * {@code ethtool_gfeatures}, ...), its command already in its first word; the kernel fills it in place.
     * Returns the ioctl's result (positive flags for ETHTOOL_SFEATURES).
     */
    static int ethtool(Syscalls sys, int fd, String name, MemorySegment command, String label) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = request(arena, name);
            ifr.set(ValueLayout.ADDRESS, Abi.IFNAMSIZ, command);
            return sys.ioctl(fd, Abi.SIOCETHTOOL, ifr, label + " " + name);
        }
    }

    /** One SIOCETHTOOL with a {@code struct ethtool_value {cmd, data}}; returns data as the kernel left it. */
    static int ethtool(Syscalls sys, int fd, String name, int command, int data, String label) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(8, 8);
            value.set(ValueLayout.JAVA_INT, 0, command);
            value.set(ValueLayout.JAVA_INT, 4, data);
            MemorySegment ifr = request(arena, name);
            ifr.set(ValueLayout.ADDRESS, Abi.IFNAMSIZ, value);
            sys.ioctl(fd, Abi.SIOCETHTOOL, ifr, label + " " + name);
            return value.get(ValueLayout.JAVA_INT, 4);
        }
    }
}
