package io.jlvs.packet;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.IpAddress;
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
 * @param answerArp     answer ARP for virtual addresses from user space (when they are not configured on
 *                      the director)
 * @param kernelGuard   install the nftables table {@code ip jlvs} ({@link KernelGuard}); off only for tests
 *                      and hosts that arrange it themselves
 * @param nftCommand    the nft executable
 */
public record PacketDirectorSettings(List<String> interfaces, IpAddress localAddress, int workers,
                                     List<FwmarkRule> fwmarkRules, int connCapacity, ConnTableSettings connSettings,
                                     boolean answerArp, boolean kernelGuard, String nftCommand) {
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
        if (connSettings == null) {
            connSettings = ConnTableSettings.DEFAULTS;
        }
        if (nftCommand == null) {
            nftCommand = "nft";
        }
    }

    /** One worker, the kernel guard on, no fwmark rules, no ARP answering, 1 Mi connections. */
    public static PacketDirectorSettings of(List<String> interfaces) {
        return new PacketDirectorSettings(interfaces, null, 1, List.of(), DEFAULT_CONN_CAPACITY,
                ConnTableSettings.DEFAULTS, false, true, "nft");
    }

    public PacketDirectorSettings withLocalAddress(IpAddress address) {
        return new PacketDirectorSettings(interfaces, address, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand);
    }

    public PacketDirectorSettings withWorkers(int n) {
        return new PacketDirectorSettings(interfaces, localAddress, n, fwmarkRules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand);
    }

    public PacketDirectorSettings withFwmarkRules(List<FwmarkRule> rules) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, rules, connCapacity, connSettings,
                answerArp, kernelGuard, nftCommand);
    }

    public PacketDirectorSettings withAnswerArp(boolean answer) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answer, kernelGuard, nftCommand);
    }

    public PacketDirectorSettings withKernelGuard(boolean guard) {
        return new PacketDirectorSettings(interfaces, localAddress, workers, fwmarkRules, connCapacity, connSettings,
                answerArp, guard, nftCommand);
    }
}
