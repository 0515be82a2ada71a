package io.jlvs.cli.daemon;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelType;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.VirtualServiceView;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Virtual services configured as IPVS would take them but not served that way, said once per service, at start
 * and after each reload that adds one, rather than left to silence:
 * <ul>
 * <li>the packet data plane forwards IPv6 TCP and UDP to IPv6 Masq, Route and Tunnel real servers only (none
 * with AF_XDP I/O, whose program steers IPv4 only): an IPv6 virtual service with another real server (an IPv4
 * address, GUE without a port), of another protocol (SCTP) or a fwmark gets no traffic from it for that server;
 * FULLNAT real servers of an IPv6 service work (the proxy) when all its real servers are FULLNAT, but not beside
 * Masq, Route or Tunnel ones, whose service the data plane takes;</li>
 * <li>persistence engine sip ({@code --pe sip}, keepalived's {@code persistence_engine sip}) keys templates
 * on the SIP Call-ID, as IPVS does; but on a TCP or SCTP service it makes every new connection dropped (IPVS's
 * engine takes UDP datagrams only; the FULLNAT proxy closes them); on an IPv6 service the packet data plane
 * does not apply it (templates by address and prefix length).</li>
 * </ul>
 * Owner: the daemon's start and reload threads, one at a time.
 */
final class ServiceWarnings {
    private final Set<VirtualServiceKey> warned = new HashSet<>();
    private final Set<VirtualServiceKey> warnedEngine = new HashSet<>();
    /** AF_XDP I/O: no IPv6 reaches the workers. */
    private final boolean afXdp;

    ServiceWarnings() {
        this(false);
    }

    ServiceWarnings(boolean afXdp) {
        this.afXdp = afXdp;
    }

    /** Whether the packet data plane forwards to {@code r} of the IPv6 service {@code key}. */
    private boolean forwarded(VirtualServiceKey key, RealServer r) {
        return !afXdp && key instanceof InetServiceKey k
                && (k.protocol() == Protocol.TCP || k.protocol() == Protocol.UDP)
                && (r.method() == ForwardingMethod.MASQ || r.method() == ForwardingMethod.DROUTE
                    || r.method() == ForwardingMethod.TUNNEL && (r.tunnelType() != TunnelType.GUE || r.tunnelPort() != 0))
                && !r.address().isV4();
    }

    /** Logs one line for each such service not named before; returns how many lines it logged. */
    int warn(Iterable<VirtualServiceView> services, Logger log) {
        int n = 0;
        for (VirtualServiceView v : services) {
            VirtualServiceKey key = v.service().key();
            String engine = v.service().persistenceEngine();
            if (engine != null && !engine.isEmpty() && v.service().persistent()
                    && key instanceof InetServiceKey k && k.protocol() != Protocol.UDP && warnedEngine.add(key)) {
                n++;
                log.warn("Virtual service {}: persistence engine {} takes UDP datagrams only: every new "
                        + "connection is dropped, as IPVS drops them", key, engine);
            } else if (engine != null && !engine.isEmpty() && v.service().persistent()
                    && key.family() == AddressFamily.INET6
                    && v.realServers().stream().anyMatch(r -> r.server().method() != ForwardingMethod.FULLNAT)
                    && warnedEngine.add(key)) {
                n++;
                log.warn("IPv6 virtual service {}: persistence engine {} is not applied by the packet data plane "
                        + "to IPv6: its clients persist by address and prefix length, not by the SIP Call-ID", key,
                        engine);
            }
            if (key.family() != AddressFamily.INET6 || warned.contains(key)) {
                continue;
            }
            // the data plane takes a service with a real server it forwards to (the kernel guard drops the
            // kernel's copy), so the FULLNAT proxy beside it never sees that service's clients; one whose real
            // servers are all FULLNAT is left to the kernel and the proxy
            boolean taken = v.realServers().stream().anyMatch(r -> forwarded(key, r.server()));
            boolean fullnatStarved = taken
                    && v.realServers().stream().anyMatch(r -> r.server().method() == ForwardingMethod.FULLNAT);
            boolean unserved = v.realServers().stream().anyMatch(r -> r.server().method() != ForwardingMethod.FULLNAT
                    && !forwarded(key, r.server()));
            if (fullnatStarved) {
                warned.add(key);
                n++;
                log.warn("IPv6 virtual service {}: the packet data plane takes its traffic for its IPv6 Masq, Route "
                        + "and Tunnel real servers, so its FULLNAT real servers get no traffic{} (give them a service "
                        + "of their own)", key, unserved ? ", nor do its other ones" : "");
            } else if (unserved && afXdp) {
                warned.add(key);
                n++;
                log.warn("IPv6 virtual service {}: the packet data plane with AF_XDP I/O forwards IPv4 only, so its "
                        + "Masq/Route/Tunnel real servers get no traffic (FULLNAT real servers work)", key);
            } else if (unserved) {
                warned.add(key);
                n++;
                log.warn("IPv6 virtual service {}: the packet data plane forwards IPv6 TCP and UDP to Masq, Route "
                        + "and Tunnel real servers with IPv6 addresses only, so its other real servers get no traffic "
                        + "(FULLNAT real servers work)", key);
            }
        }
        return n;
    }
}
