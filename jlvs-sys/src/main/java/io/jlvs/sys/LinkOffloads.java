package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The receive offloads of a link that merge segments before a packet socket sees them, through the
 * ethtool ioctl (SIOCETHTOOL) as {@code ethtool -k/-K} does: GRO (generic receive offload, on by default on
 * most devices) and LRO (large receive offload, in the NIC). With either on, an AF_PACKET socket receives
 * one frame of up to 64 KiB for a train of TCP segments, which a data plane that forwards frame by frame
 * cannot send on. Setting needs CAP_NET_ADMIN. Also any feature by its {@code ethtool -k} name
 * ({@link #feature(String, String)}), through the feature string set, as ethtool's ioctl path does.
 */
public final class LinkOffloads {
    private static final int ETHTOOL_GFLAGS = 0x25;
    private static final int ETHTOOL_SFLAGS = 0x26;
    private static final int ETHTOOL_GGRO = 0x2b;
    private static final int ETHTOOL_SGRO = 0x2c;
    private static final int ETH_FLAG_LRO = 1 << 15;
    private static final int SOCK_DGRAM = 2;
    private static final int ETHTOOL_GSTRINGS = 0x1b;
    private static final int ETHTOOL_GSSET_INFO = 0x37;
    private static final int ETHTOOL_GFEATURES = 0x3a;
    private static final int ETHTOOL_SFEATURES = 0x3b;
    private static final int ETH_SS_FEATURES = 4;
    private static final int ETH_GSTRING_LEN = 32;

    private LinkOffloads() {
    }

    /** Whether GRO is on for {@code link}. */
    public static boolean gro(String link) {
        return get(link, ETHTOOL_GGRO, "ETHTOOL_GGRO") != 0;
    }

    /** Turns GRO on or off for {@code link}. */
    public static void gro(String link, boolean on) {
        set(link, ETHTOOL_SGRO, on ? 1 : 0, "ETHTOOL_SGRO");
    }

    /** Whether LRO is on for {@code link} (false for devices without it). */
    public static boolean lro(String link) {
        return (get(link, ETHTOOL_GFLAGS, "ETHTOOL_GFLAGS") & ETH_FLAG_LRO) != 0;
    }

    /** Turns LRO on or off for {@code link}, keeping its other ethtool flags. */
    public static void lro(String link, boolean on) {
        int flags = get(link, ETHTOOL_GFLAGS, "ETHTOOL_GFLAGS");
        set(link, ETHTOOL_SFLAGS, on ? flags | ETH_FLAG_LRO : flags & ~ETH_FLAG_LRO, "ETHTOOL_SFLAGS");
    }

    /**
     * Whether the feature {@code ethtool -k} calls {@code name} (e.g. {@code rx-udp-gro-forwarding}) is active
     * on {@code link}; false when this kernel has no feature of that name.
     */
    public static boolean feature(String link, String name) {
        return withSocket(link, (sys, fd) -> {
            int[] feature = featureIndex(sys, fd, link, name);
            int index = feature[0];
            if (index < 0) {
                return false;
            }
            int blocks = feature[1];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment g = arena.allocate(8 + 16L * blocks, 8);
                g.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GFEATURES);
                g.set(ValueLayout.JAVA_INT, 4, blocks);
                Ifreq.ethtool(sys, fd, link, g, "ETHTOOL_GFEATURES");
                int active = g.get(ValueLayout.JAVA_INT, 8 + 16L * (index / 32) + 8);
                return (active & (1 << (index % 32))) != 0;
            }
        });
    }

    /**
     * Asks for the feature {@code ethtool -k} calls {@code name} on or off, as {@code ethtool -K link name
     * on|off}. Throws when this kernel has no such feature or the device cannot change it.
     */
    public static void feature(String link, String name, boolean on) {
        withSocket(link, (sys, fd) -> {
            int[] feature = featureIndex(sys, fd, link, name);
            int index = feature[0];
            if (index < 0) {
                throw new IllegalArgumentException("no feature " + name + " on " + link);
            }
            int blocks = feature[1];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment f = arena.allocate(8 + 8L * blocks, 8);
                f.set(ValueLayout.JAVA_INT, 0, ETHTOOL_SFEATURES);
                f.set(ValueLayout.JAVA_INT, 4, blocks);
                int bit = 1 << (index % 32);
                f.set(ValueLayout.JAVA_INT, 8 + 8L * (index / 32), bit);
                f.set(ValueLayout.JAVA_INT, 8 + 8L * (index / 32) + 4, on ? bit : 0);
                int flags = Ifreq.ethtool(sys, fd, link, f, "ETHTOOL_SFEATURES");
                if ((flags & 1) != 0) { // ETHTOOL_F_UNSUPPORTED
                    throw new IllegalArgumentException(link + " cannot change " + name);
                }
                return 0;
            }
        });
    }

    /**
     * The position of {@code name} in the kernel's feature string set (its bit; -1 when absent) and the
     * number of 32-bit words the kernel's feature sets have (ETHTOOL_SFEATURES takes exactly that many).
     */
    private static int[] featureIndex(Syscalls sys, int fd, String link, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(24, 8);
            info.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GSSET_INFO);
            info.set(ValueLayout.JAVA_LONG, 8, 1L << ETH_SS_FEATURES);
            Ifreq.ethtool(sys, fd, link, info, "ETHTOOL_GSSET_INFO");
            if ((info.get(ValueLayout.JAVA_LONG, 8) & (1L << ETH_SS_FEATURES)) == 0) {
                return new int[] {-1, 0};
            }
            int count = info.get(ValueLayout.JAVA_INT, 16);
            MemorySegment strings = arena.allocate(12 + (long) count * ETH_GSTRING_LEN, 8);
            strings.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GSTRINGS);
            strings.set(ValueLayout.JAVA_INT, 4, ETH_SS_FEATURES);
            strings.set(ValueLayout.JAVA_INT, 8, count);
            Ifreq.ethtool(sys, fd, link, strings, "ETHTOOL_GSTRINGS");
            for (int i = 0; i < count; i++) {
                String s = strings.asSlice(12 + (long) i * ETH_GSTRING_LEN, ETH_GSTRING_LEN)
                        .getString(0, StandardCharsets.US_ASCII);
                if (s.equals(name)) {
                    return new int[] {i, (count + 31) / 32};
                }
            }
            return new int[] {-1, 0};
        }
    }

    private interface EthtoolCall<T> {
        T run(Syscalls sys, int fd);
    }

    private static <T> T withSocket(String link, EthtoolCall<T> call) {
        if (link.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name too long: " + link);
        }
        Syscalls sys = new Syscalls();
        int fd = sys.socket(Abi.AF_INET, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        try {
            return call.run(sys, fd);
        } finally {
            sys.close(fd);
        }
    }

    private static int get(String link, int command, String label) {
        return call(link, command, 0, label);
    }

    private static void set(String link, int command, int value, String label) {
        call(link, command, value, label);
    }

    /** One SIOCETHTOOL ({@link Ifreq#ethtool}) on a socket opened for it. */
    private static int call(String link, int command, int data, String label) {
        return withSocket(link, (sys, fd) -> Ifreq.ethtool(sys, fd, link, command, data, label));
    }
}
