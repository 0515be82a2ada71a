package io.jlvs.engine;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import java.util.Set;

/**
 * The checks the IPVS table makes on what it is given, whoever gives it (jlvsadm, the REST API,
 * keepalived.conf). Messages say what is wrong in ipvsadm's words.
 */
final class ServiceValidator {
    /** IPVS's MAX_TIMEOUT: 31 days. */
    static final int MAX_PERSISTENCE_TIMEOUT = 31 * 24 * 60 * 60;
    private static final Set<String> PERSISTENCE_ENGINES = Set.of("sip");

    private ServiceValidator() {
    }

    static void checkService(VirtualService s, Set<String> schedulers) throws IpvsException {
        if (!schedulers.contains(s.scheduler())) {
            throw new IpvsException(IpvsError.SCHEDULER_NOT_FOUND,
                    "Scheduler or persistence engine not found: '" + s.scheduler() + "'");
        }
        if (s.persistenceEngine() != null && !PERSISTENCE_ENGINES.contains(s.persistenceEngine())) {
            throw new IpvsException(IpvsError.SCHEDULER_NOT_FOUND,
                    "Scheduler or persistence engine not found: '" + s.persistenceEngine() + "'");
        }
        if (s.persistenceTimeout() < 0 || s.persistenceTimeout() > MAX_PERSISTENCE_TIMEOUT) {
            throw new IpvsException(IpvsError.INVALID, "Invalid persistent timeout: " + s.persistenceTimeout());
        }
        if (s.key() instanceof InetServiceKey k) {
            if (k.port() == 0 && !s.persistent()) {
                throw new IpvsException(IpvsError.INVALID, "Zero port specified for non-persistent service");
            }
            if (s.onePacket() && k.protocol() != Protocol.UDP) {
                throw new IpvsException(IpvsError.INVALID, "One-Packet Scheduling is only for UDP virtual services");
            }
        }
        if (s.key().family() == AddressFamily.INET6 && (s.netmask() < 1 || s.netmask() > 128)) {
            throw new IpvsException(IpvsError.INVALID, "Invalid IPv6 netmask prefix length: " + s.netmask());
        }
    }

    /** Returns the server as the table stores it: DR and TUN servers take the service's port. */
    static RealServer checkServer(VirtualService s, RealServer r) throws IpvsException {
        if (r.weight() < 0) {
            // the kernel's check (ip_vs_add_dest, ip_vs_edit_dest); any weight up to INT_MAX is taken
            throw new IpvsException(IpvsError.OUT_OF_RANGE, "Server weight less than zero: " + r.weight());
        }
        if (r.upperThreshold() < 0 || r.lowerThreshold() < 0) {
            throw new IpvsException(IpvsError.INVALID, "Connection thresholds must not be negative");
        }
        if (r.lowerThreshold() > r.upperThreshold()) {
            // the kernel's check (ip_vs_add_dest, ip_vs_edit_dest), with an upper threshold of 0 too
            throw new IpvsException(IpvsError.OUT_OF_RANGE, "Lower threshold is higher than the upper threshold");
        }
        if (r.address().family() != s.key().family() && r.method() != ForwardingMethod.TUNNEL) {
            throw new IpvsException(IpvsError.INVALID,
                    "Different address family is allowed only for tunneling servers");
        }
        if (r.method() == ForwardingMethod.FULLNAT && !(s.key() instanceof InetServiceKey k
                && k.port() != 0 && (k.protocol() == Protocol.TCP || k.protocol() == Protocol.UDP))) {
            throw new IpvsException(IpvsError.INVALID,
                    "FULLNAT serves TCP and UDP services with a port, not fwmark, SCTP or port-0 services");
        }
        if (r.method() == ForwardingMethod.LOCAL) {
            throw new IpvsException(IpvsError.INVALID, "The Local forwarding method is chosen by IPVS, not set");
        }
        if (r.method().keepsServicePort() && s.key() instanceof InetServiceKey k && k.port() != r.port()) {
            return new RealServer(r.address(), k.port(), r.method(), r.weight(), r.upperThreshold(),
                    r.lowerThreshold(), r.tunnelType(), r.tunnelPort(), r.tunnelChecksum());
        }
        return r;
    }
}
