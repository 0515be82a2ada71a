package io.jlvs.packet;

import io.jlvs.conn.ConnTableSettings;
import java.util.List;

/**
 * Settings of one {@link Dataplane} worker.
 *
 * @param localAddress    the director's own IPv4 address: source of IPIP outer headers and of ICMP
 *                        errors about packets that were not addressed to a virtual address
 * @param connCapacity    most connections and templates this worker's table holds
 * @param connSettings    expire_nodest_conn, expire_quiescent_template, conn_reuse_mode
 * @param tableSeed       hash seed of the connection table (random in production, fixed in tests)
 * @param expireBudget    most table entries examined per {@link Dataplane#poll}
 * @param answerArp       answer ARP requests for IPv4 virtual addresses and neighbour solicitations for IPv6
 *                        ones ({@link NeighbourResponder}) with this interface's MAC
 * @param firstIpId       first IPv4 identification used in headers we create (tests: 0)
 * @param icmpLimits      the kernel's limits on ICMP errors we originate (null: the kernel's defaults)
 * @param ftpPorts        the virtual ports of FTP control connections ({@link FtpHelper}, the kernel's
 *                        {@code ip_vs_ftp ports=}); empty: no FTP helper
 * @param ftpPassivePorts the FTP servers' passive ports ({@link FtpPassivePorts}); null: every TCP port
 */
public record DataplaneConfig(int localAddress, int connCapacity, ConnTableSettings connSettings, long tableSeed,
                              int expireBudget, boolean answerArp, int firstIpId, IcmpLimits icmpLimits,
                              List<Integer> ftpPorts, FtpPassivePorts ftpPassivePorts) {
    /** TTL of packets we originate (ICMP errors), as Linux's ip_default_ttl. */
    public static final int DEFAULT_TTL = 64;

    public DataplaneConfig {
        if (connCapacity < 1) {
            throw new IllegalArgumentException("connCapacity must be positive");
        }
        if (expireBudget < 1) {
            throw new IllegalArgumentException("expireBudget must be positive");
        }
        if (connSettings == null) {
            connSettings = ConnTableSettings.DEFAULTS;
        }
        if (icmpLimits == null) {
            icmpLimits = IcmpLimits.KERNEL_DEFAULTS;
        }
        ftpPorts = ftpPorts == null ? List.of() : List.copyOf(ftpPorts);
        if (ftpPorts.size() > FtpHelper.MAX_PORTS) {
            throw new IllegalArgumentException("at most " + FtpHelper.MAX_PORTS + " FTP ports: " + ftpPorts);
        }
    }

    /** Without a passive port range. */
    public DataplaneConfig(int localAddress, int connCapacity, ConnTableSettings connSettings, long tableSeed,
                           int expireBudget, boolean answerArp, int firstIpId, IcmpLimits icmpLimits,
                           List<Integer> ftpPorts) {
        this(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answerArp, firstIpId, icmpLimits,
                ftpPorts, null);
    }

    /** Without the FTP helper. */
    public DataplaneConfig(int localAddress, int connCapacity, ConnTableSettings connSettings, long tableSeed,
                           int expireBudget, boolean answerArp, int firstIpId, IcmpLimits icmpLimits) {
        this(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answerArp, firstIpId, icmpLimits,
                List.of());
    }

    public static DataplaneConfig of(int localAddress, int connCapacity) {
        return new DataplaneConfig(localAddress, connCapacity, ConnTableSettings.DEFAULTS, 0x6a6c7673L, 1024, false, 0,
                IcmpLimits.KERNEL_DEFAULTS);
    }

    public DataplaneConfig withConnSettings(ConnTableSettings s) {
        return new DataplaneConfig(localAddress, connCapacity, s, tableSeed, expireBudget, answerArp, firstIpId,
                icmpLimits, ftpPorts, ftpPassivePorts);
    }

    public DataplaneConfig withIcmpLimits(IcmpLimits limits) {
        return new DataplaneConfig(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answerArp,
                firstIpId, limits, ftpPorts, ftpPassivePorts);
    }

    public DataplaneConfig withAnswerArp(boolean answer) {
        return new DataplaneConfig(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answer, firstIpId,
                icmpLimits, ftpPorts, ftpPassivePorts);
    }

    /** The FTP helper on these virtual ports (empty: off). */
    public DataplaneConfig withFtpPorts(List<Integer> ports) {
        return new DataplaneConfig(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answerArp,
                firstIpId, icmpLimits, ports, ftpPassivePorts);
    }

    /** The FTP servers' passive port range (null: every port). */
    public DataplaneConfig withFtpPassivePorts(FtpPassivePorts ports) {
        return new DataplaneConfig(localAddress, connCapacity, connSettings, tableSeed, expireBudget, answerArp,
                firstIpId, icmpLimits, ftpPorts, ports);
    }
}
