package io.jlvs.sys;

/**
 * The receive offloads of a link that merge segments before a packet socket sees them, through the
 * ethtool ioctl (SIOCETHTOOL) as {@code ethtool -k/-K} does: GRO (generic receive offload, on by default on
 * most devices) and LRO (large receive offload, in the NIC). With either on, an AF_PACKET socket receives
 * one frame of up to 64 KiB for a train of TCP segments, which a data plane that forwards frame by frame
 * cannot send on. Setting needs CAP_NET_ADMIN.
 */
public final class LinkOffloads {
    private static final int ETHTOOL_GFLAGS = 0x25;
    private static final int ETHTOOL_SFLAGS = 0x26;
    private static final int ETHTOOL_GGRO = 0x2b;
    private static final int ETHTOOL_SGRO = 0x2c;
    private static final int ETH_FLAG_LRO = 1 << 15;
    private static final int SOCK_DGRAM = 2;

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

    private static int get(String link, int command, String label) {
        return call(link, command, 0, label);
    }

    private static void set(String link, int command, int value, String label) {
        call(link, command, value, label);
    }

    /** One SIOCETHTOOL ({@link Ifreq#ethtool}) on a socket opened for it. */
    private static int call(String link, int command, int data, String label) {
        if (link.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name too long: " + link);
        }
        Syscalls sys = new Syscalls();
        int fd = sys.socket(Abi.AF_INET, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        try {
            return Ifreq.ethtool(sys, fd, link, command, data, label);
        } finally {
            sys.close(fd);
        }
    }
}
