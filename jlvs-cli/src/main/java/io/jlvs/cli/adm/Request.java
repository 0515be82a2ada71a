package io.jlvs.cli.adm;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import java.util.EnumSet;
import java.util.Set;

/** One parsed and checked jlvsadm command line: ipvsadm's command entry, option set and print format. */
final class Request {
    /** Set for -h and -v, which print and stop. */
    boolean help;
    boolean version;

    AdmCommand command;
    long options;

    // virtual service (-t/-u/--sctp-service/-f) and its parameters
    Protocol protocol;
    AddressFamily family;
    IpAddress address;
    int port;
    long fwmark;
    String scheduler = "";
    boolean persistent;
    int persistenceTimeout;
    int netmask = VirtualService.IPV4_FULL_MASK;
    boolean onePacket;
    String persistenceEngine;
    Set<SchedFlag> schedFlags = EnumSet.noneOf(SchedFlag.class);

    // real server (-r) and its parameters
    IpAddress serverAddress;
    int serverPort;
    ForwardingMethod method = ForwardingMethod.DROUTE;
    int weight = RealServer.DEFAULT_WEIGHT;
    int upperThreshold;
    int lowerThreshold;
    TunnelType tunnelType = TunnelType.IPIP;
    int tunnelPort;
    TunnelChecksum tunnelChecksum = TunnelChecksum.NOCSUM;

    // --set
    Timeouts timeouts;

    // --start-daemon / --stop-daemon
    String daemonState;
    String mcastInterface = "";
    int syncId;
    int syncMaxLen;
    String mcastGroup;
    int mcastPort;
    int mcastTtl;

    boolean has(AdmOption option) {
        return (options & option.bit()) != 0;
    }

    boolean hasService() {
        return has(AdmOption.SERVICE);
    }

    VirtualServiceKey serviceKey() {
        if (fwmark != 0) {
            return new FwmarkServiceKey((int) fwmark, family == null ? AddressFamily.INET : family);
        }
        return new InetServiceKey(protocol, address, port);
    }

    VirtualService service() {
        return new VirtualService(serviceKey(), scheduler, schedFlags, persistent ? persistenceTimeout : 0,
                netmask, onePacket, persistenceEngine);
    }

    RealServer realServer() {
        return new RealServer(serverAddress, serverPort, method, weight, upperThreshold, lowerThreshold,
                tunnelType, tunnelPort, tunnelChecksum);
    }

    SyncDaemonView daemon() {
        return new SyncDaemonView(daemonState, mcastInterface, syncId, syncMaxLen, mcastGroup, mcastPort, mcastTtl);
    }
}
