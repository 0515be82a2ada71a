package io.jlvs.packet;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.IpAddress;
import io.jlvs.sys.RingVersion;
import io.jlvs.sys.TxMode;
import io.jlvs.sys.XdpMode;
import java.util.List;

/**
 * How to run the packet data plane on this host.
 *
 * @param interfaces    the interfaces to serve: the first faces the clients (virtual addresses, DR/TUN real
 *                      servers); NAT real servers may sit behind a second one
 * @param localAddress  the director's own IPv4 address (IPIP/GUE outer source, ICMP errors); null: the
 *                      first IPv4 address of the first interface
 * @param workers       data-plane threads (PACKET_FANOUT by flow hash when more than one; NAT needs 1,
 *                      see docs/packet-dataplane.md)
 * @param fwmarkRules   rules standing in for netfilter MARK rules
 * @param connCapacity  connections and templates per worker
 * @param connSettings  expire_nodest_conn, expire_quiescent_template, conn_reuse_mode
 * @param answerArp     answer ARP for IPv4 virtual addresses and neighbour solicitations for IPv6 ones from
 *                      user space (when they are not configured on the director); the links then take all
 *                      multicast (solicitations go to solicited-node groups)
 * @param kernelGuard   install the nftables table {@code ip jlvs} ({@link KernelGuard}); off only for tests
 *                      and hosts that arrange it themselves
 * @param nftCommand    the nft executable
 * @param ringVersion   the AF_PACKET receive ring layout (null: TPACKET_V2, woken per frame; chosen by
 *                      measurement, see docs/benchmarks.md)
 * @param txMode        how frames are transmitted (null: TX_RING, one {@code sendto} per batch; chosen by
 *                      measurement)
 * @param qdiscBypass   PACKET_QDISC_BYPASS on the workers' sockets: forwarded frames go straight to the
 *                      driver, past the interface's qdisc (no tc shaping of them) and unseen by tcpdump on
 *                      the director; off by default: it did not measure faster on veth (docs/benchmarks.md,
 *                      run 5)
 * @param workerNice    the workers' nice value (0: left alone). The kernel's own forwarding runs in softirq
 *                      context, ahead of every task; a worker at nice 0 shares the CPU fairly with whatever
 *                      else runs on the director. Negative values need CAP_SYS_NICE (a worker that may not
 *                      set it logs a warning and runs as it is)
 * @param afXdp         AF_XDP sockets behind an XDP steering program instead of AF_PACKET rings
 *                      ({@link XdpLinkGroupIo}): steered frames never reach the kernel's stack. One worker,
 *                      no fwmark rules, no ARP answering; ringVersion, txMode and qdiscBypass do not apply.
 *                      Off by default (docs/benchmarks.md, the AF_XDP run)
 * @param xdpMode       where the XDP programs run; null (the default) chooses: natively when the driver
 *                      can, except generic with the fast path on a link with no device behind it (veth)
 * @param offloadAfter  hand a connection's later frames to the XDP fast path once this many of its packets
 *                      passed the worker and it is established (docs/packet-dataplane.md, "Fast path"): with
 *                      AF_XDP in the steering program, with AF_PACKET in a program of its own
 *                      ({@link FastPathLinks}); -1: no fast path (the default)
 * @param busyPollMicros how long a worker keeps looking at its rings after the last frame before it sleeps in
 *                      {@code poll} (0, the default: it sleeps at once); a frame arriving meanwhile is taken
 *                      without a wake-up, at the cost of that much CPU per burst (docs/benchmarks.md, run J)
 * @param ftpPorts      the FTP helper's ports ({@link FtpHelper}, as {@code modprobe ip_vs_ftp ports=...}): MASQ
 *                      connections to them are FTP control connections; empty (the default): no helper
 * @param ftpPassivePorts the FTP servers' passive ports: with it only TCP to/from these ports (and port − 1 of
 *                      each FTP service) of the FTP virtual addresses and NAT real servers is taken from the
 *                      kernel for data connections; null (the default): every TCP port of them
 */
public record PacketDirectorSettings(List<String> interfaces, IpAddress localAddress, int workers,
                                     List<FwmarkRule> fwmarkRules, int connCapacity, ConnTableSettings connSettings,
                                     boolean answerArp, boolean kernelGuard, String nftCommand,
                                     RingVersion ringVersion, TxMode txMode, boolean qdiscBypass,
                                     int workerNice, boolean afXdp, XdpMode xdpMode, int offloadAfter,
                                     int busyPollMicros, List<Integer> ftpPorts,
                                     FtpPassivePorts ftpPassivePorts) {
    public static final int DEFAULT_CONN_CAPACITY = 1 << 20;

    public PacketDirectorSettings {
        interfaces = List.copyOf(interfaces);
        fwmarkRules = fwmarkRules == null ? List.of() : List.copyOf(fwmarkRules);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
        if (localAddress != null && !localAddress.isV4()) {
            throw new IllegalArgumentException("the director's address must be IPv4: " + localAddress);
        }
        if (workerNice < -20 || workerNice > 19) {
            throw new IllegalArgumentException("workerNice must be -20..19: " + workerNice);
        }
        if (connSettings == null) {
            connSettings = ConnTableSettings.DEFAULTS;
        }
        if (nftCommand == null) {
            nftCommand = "nft";
        }
        if (ringVersion == null) {
            ringVersion = RingVersion.TPACKET_V2;
        }
        if (txMode == null) {
            txMode = TxMode.TX_RING;
        }
        if (offloadAfter < -1) {
            throw new IllegalArgumentException("offloadAfter must be -1 (off) or at least 0: " + offloadAfter);
        }
        if (busyPollMicros < 0 || busyPollMicros > 10_000) {
            throw new IllegalArgumentException("busyPollMicros must be 0..10000: " + busyPollMicros);
        }
        ftpPorts = ftpPorts == null ? List.of() : List.copyOf(ftpPorts);
        if (ftpPorts.size() > FtpHelper.MAX_PORTS || ftpPorts.stream().anyMatch(p -> p < 1 || p > 65535)) {
            throw new IllegalArgumentException("ftpPorts must be 1 to " + FtpHelper.MAX_PORTS + " ports 1..65535: "
                    + ftpPorts);
        }
        if (ftpPassivePorts != null && ftpPorts.isEmpty()) {
            throw new IllegalArgumentException("ftpPassivePorts without ftpPorts");
        }
    }

    /** One worker, the kernel guard on, no fwmark rules, no ARP answering, 1 Mi connections, through the qdisc. */
    public static PacketDirectorSettings of(List<String> interfaces) {
        return new PacketDirectorSettings(interfaces, null, 1, List.of(), DEFAULT_CONN_CAPACITY,
                ConnTableSettings.DEFAULTS, false, true, "nft", null, null, false, 0, false, null, -1, 0, List.of(), null);
    }

    public PacketDirectorSettings withLocalAddress(IpAddress address) {
        return new PacketDirectorSettings(interfaces, address, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    /** The IPVS sysctls of the connection table (expire_nodest_conn, conn_reuse_mode, sloppy_tcp, ...). */
    public PacketDirectorSettings withConnSettings(ConnTableSettings settings) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, settings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    /** Entries (connections and templates) per worker's connection table. */
    public PacketDirectorSettings withConnCapacity(int capacity) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, capacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withWorkers(int n) {
        return new PacketDirectorSettings(interfaces, localAddress, n, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withFwmarkRules(List<FwmarkRule> rules) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, rules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withAnswerArp(boolean answer) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answer, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withKernelGuard(boolean guard) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, guard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withRingVersion(RingVersion version) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, version, txMode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withTxMode(TxMode mode) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, mode, qdiscBypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withQdiscBypass(boolean bypass) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, bypass, workerNice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withWorkerNice(int nice) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, nice, afXdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withAfXdp(boolean xdp) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, xdp, xdpMode, offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withXdpMode(XdpMode mode) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, mode,
                offloadAfter, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withOffloadAfter(int packets) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode,
                packets, busyPollMicros, ftpPorts, ftpPassivePorts);
    }

    public PacketDirectorSettings withBusyPollMicros(int micros) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode,
                offloadAfter, micros, ftpPorts, ftpPassivePorts);
    }

    /** The FTP helper on these virtual ports (empty: off). */
    public PacketDirectorSettings withFtpPorts(List<Integer> ports) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode,
                offloadAfter, busyPollMicros, ports, ftpPassivePorts);
    }

    /** The FTP servers' passive port range (null: every port, the default). */
    public PacketDirectorSettings withFtpPassivePorts(FtpPassivePorts ports) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand, ringVersion, txMode, qdiscBypass, workerNice, afXdp, xdpMode,
                offloadAfter, busyPollMicros, ftpPorts, ports);
    }
}
