package io.jlvs.config;

import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.ServiceAddress;
import io.jlvs.config.model.SorryServerDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** virtual_server { ... } into a {@link VirtualServerDef}; the whole-block checks are in CheckValidator. */
final class VirtualServerBuilder extends BlockBuilder {
    /** keepalived's list of IPVS schedulers. */
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
            "lblcr", "sed", "nq", "twos");
    static final long LVS_MAX_TIMEOUT = 86400L * 31;

    private final RealServerBuilder realServers;
    boolean usesScripts;

    VirtualServerBuilder(ProblemLog log, RealServerBuilder realServers) {
        super(log);
        this.realServers = realServers;
    }

    /** The virtual server, or null (after reporting) when its address is invalid. */
    VirtualServerDef build(Node n) {
        at(n);
        ServiceAddress address = address(n);
        if (address == null) {
            return null;
        }
        Protocol protocol = null;
        AddressFamily family = null;
        String sched = null;
        Set<SchedFlag> flags = EnumSet.noneOf(SchedFlag.class);
        boolean hashed = false;
        boolean ops = false;
        Forwarding fwd = null;
        int pto = 0;
        Integer granularity = null;
        String pe = null;
        Duration loop = null;
        Duration ct = null;
        Integer retry = null;
        Duration dbr = null;
        Duration warmup = null;
        int quorum = 1;
        int hysteresis = 0;
        String qUp = null;
        String qDown = null;
        boolean alpha = false;
        boolean omega = false;
        boolean inhibit = false;
        boolean haSuspend = false;
        String vhost = null;
        int weight = 1;
        SorryServerDef sorry = null;
        List<RealServerDef> rs = new ArrayList<>();
        List<Node> rsNodes = new ArrayList<>();
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "ip_family" -> {
                    family = switch (word(c)) {
                        case "inet" -> AddressFamily.INET;
                        case "inet6" -> AddressFamily.INET6;
                        default -> {
                            error("unknown address family " + word(c));
                            yield family;
                        }
                    };
                    if (family != null && address instanceof ServiceAddress.Inet a && a.address().family() != family) {
                        error("Virtual server specified family " + word(c) + " conflicts with server family");
                    }
                }
                case "lb_algo", "lvs_sched" -> {
                    if (!SCHEDULERS.contains(word(c))) {
                        error("Invalid lvs_scheduler '" + word(c) + "' - ignoring");
                    } else {
                        sched = word(c);
                    }
                }
                case "ops" -> ops = true;
                case "flag-1" -> flags.add(SchedFlag.FLAG_1);
                case "flag-2" -> flags.add(SchedFlag.FLAG_2);
                case "flag-3" -> flags.add(SchedFlag.FLAG_3);
                case "sh-port", "sh-fallback", "mh-port", "mh-fallback", "hashed" -> {
                    if ("sh".equals(sched) || "mh".equals(sched)) {
                        if (c.name().startsWith(sched + "-")) {
                            flags.add(SchedFlag.parse(c.name()));
                        }
                        hashed |= c.name().equals("hashed");
                    } else {
                        error(c.name() + " only applies to sh scheduler - ignoring");
                    }
                }
                case "lb_kind", "lvs_method" -> fwd = ForwardingParser.parse(c, "virtual", log);
                case "persistence_engine" -> pe = word(c);
                case "persistence_timeout" -> {
                    if (c.args().isEmpty()) {
                        pto = 360;
                    } else {
                        Long v = values.unsigned(word(c), 1, LVS_MAX_TIMEOUT);
                        if (v == null) {
                            error("persistence_timeout invalid");
                        } else {
                            pto = (int) (long) v;
                        }
                    }
                }
                case "persistence_granularity" -> {
                    granularity = granularity(c, address, family);
                    if (granularity != null && pto == 0) {
                        pto = 360;
                    }
                }
                case "protocol" -> {
                    // keepalived compares without case: "protocol udp" is UDP
                    protocol = switch (word(c).toUpperCase(java.util.Locale.ROOT)) {
                        case "TCP" -> Protocol.TCP;
                        case "UDP" -> Protocol.UDP;
                        case "SCTP" -> Protocol.SCTP;
                        default -> {
                            error("Unknown protocol " + word(c) + " - ignoring");
                            yield protocol;
                        }
                    };
                }
                case "delay_loop" -> loop = timer(c, 1, "virtual server delay loop '" + word(c) + "' invalid - ignoring");
                case "connect_timeout" -> ct = timer(c, 1, "virtual server connect_timeout " + word(c) + " invalid - ignoring");
                case "delay_before_retry" -> dbr = timer(c, 0, "virtual server delay before retry '" + word(c) + "' invalid - ignoring");
                case "warmup" -> warmup = timer(c, 0, "virtual server warmup '" + word(c) + "' invalid - ignoring");
                case "retry" -> {
                    Long v = values.unsigned(word(c), 1, 0xffffffffL);
                    if (v == null) {
                        error("retry value invalid - " + word(c));
                    } else {
                        retry = (int) Math.min(Integer.MAX_VALUE, v);
                    }
                }
                case "quorum" -> {
                    Long v = values.unsigned(word(c), 1, 0xffffffffL);
                    if (v == null) {
                        error("Quorum " + word(c) + " must be in [1, 4294967295]. Setting to 1.");
                    } else {
                        // keepalived's unsigned: real-server weights to INT_MAX can add up past INT_MAX
                        quorum = (int) (long) v;
                    }
                }
                case "hysteresis" -> {
                    Long v = values.unsigned(word(c), 0, 0xffffffffL);
                    if (v == null) {
                        error("Hysteresis " + word(c) + " must be in [0, 4294967295] - ignoring");
                    } else {
                        hysteresis = (int) (long) v;
                    }
                }
                case "weight" -> {
                    Long v = values.unsigned(word(c), 1, Integer.MAX_VALUE);
                    if (v == null) {
                        error("Virtual server weight " + word(c) + " is outside range 1-" + Integer.MAX_VALUE);
                    } else {
                        weight = (int) (long) v;
                    }
                }
                case "quorum_up" -> qUp = quorumScript(c, qUp);
                case "quorum_down" -> qDown = quorumScript(c, qDown);
                case "alpha" -> alpha = true;
                case "omega" -> omega = true;
                case "inhibit_on_failure" -> inhibit = flag(c, "inhibit_on_failure");
                case "ha_suspend" -> haSuspend = true;
                case "virtualhost" -> vhost = word(c);
                case "sorry_server" -> sorry = sorry(c);
                case "sorry_server_inhibit" -> {
                    if (sorry == null) {
                        error("Ignoring sorry_server inhibit used before or without sorry_server");
                    } else {
                        sorry = new SorryServerDef(sorry.address(), sorry.port(), sorry.forwarding(), flag(c, "sorry_server_inhibit"));
                    }
                }
                case "sorry_server_lvs_method" -> {
                    if (sorry == null) {
                        error("sorry_server forwarding used without sorry_server");
                    } else {
                        Forwarding f = ForwardingParser.parse(c, "sorry", log);
                        sorry = new SorryServerDef(sorry.address(), sorry.port(), f, sorry.inhibit());
                    }
                }
                case "real_server" -> {
                    RealServerDef r = realServers.build(c);
                    if (r != null) {
                        rs.add(r);
                        rsNodes.add(c);
                    }
                }
                default -> {
                }
            }
        }
        for (int i = 0; i < rs.size(); i++) {
            // as keepalived (check_data.c): a real server without a valid weight of its own takes the virtual
            // server's, wherever in the block that is (1 when it has none either)
            if (rs.get(i).weight() == RealServerBuilder.WEIGHT_NOT_SET) {
                rs.set(i, rs.get(i).withWeight(weight));
            }
        }
        if (inhibit) {
            // as keepalived: a real server that does not say inhibit_on_failure itself takes the virtual server's
            for (int i = 0; i < rs.size(); i++) {
                if (rsNodes.get(i).children().stream().noneMatch(k -> k.name().equals("inhibit_on_failure"))) {
                    rs.set(i, rs.get(i).withInhibitOnFailure(true));
                }
            }
        }
        return new VirtualServerDef(address, protocol, family, sched, flags, hashed, ops, fwd, pto, granularity, pe,
                loop, ct, retry, dbr, warmup, quorum, hysteresis, qUp, qDown, alpha, omega, inhibit, haSuspend, vhost,
                sorry, rs);
    }

    private ServiceAddress address(Node n) {
        String p1 = n.arg(0);
        String p2 = n.arg(1);
        if (p1.equals("group")) {
            if (p2 == null) {
                log.report(ProblemKind.MISSING_PARAMETER, "*** Configuration line starting `virtual_server` is missing a parameter after keyword `group` at word position 3");
                return null;
            }
            return new ServiceAddress.Group(p2);
        }
        if (p1.equals("fwmark")) {
            Long v = p2 == null ? null : values.unsigned(p2, 0, 0xffffffffL);
            if (v == null) {
                error("virtual server fwmark '" + p2 + "' must be in [0, 4294967295] - ignoring");
                return null;
            }
            return new ServiceAddress.Fwmark((int) (long) v);
        }
        IpAddress ip = Values.ip(p1);
        int port = p2 == null ? 0 : Values.port(p2);
        if (ip == null || port < 0) {
            String withPort = p2 != null ? "/port" : "";
            error("Invalid virtual server IP address" + withPort + " " + p1 + (p2 != null ? "/" + p2 : "") + " - skipping");
            return null;
        }
        return new ServiceAddress.Inet(ip, port);
    }

    private Integer granularity(Node c, ServiceAddress address, AddressFamily family) {
        String w = word(c);
        AddressFamily af = family != null ? family
                : address instanceof ServiceAddress.Inet a ? a.address().family()
                : w.indexOf('.') >= 0 ? AddressFamily.INET : AddressFamily.INET6;
        if (af == AddressFamily.INET6) {
            Long v = values.unsigned(w, 1, 128);
            if (v == null) {
                error("Invalid IPv6 persistence_granularity specified - " + w);
                return null;
            }
            return (int) (long) v;
        }
        IpAddress mask = Values.ip(w);
        if (mask == null || !mask.isV4()) {
            error("Invalid IPv4 persistence_granularity specified - " + w);
            return null;
        }
        return mask.v4();
    }

    private SorryServerDef sorry(Node c) {
        IpAddress ip = Values.ip(c.arg(0));
        int port = c.arg(1) == null ? 0 : Values.port(c.arg(1));
        if (ip == null || port < 0) {
            error("Invalid sorry server IP address " + c.arg(0) + " - skipping");
            return null;
        }
        return new SorryServerDef(ip, port, null, false);
    }

    private String quorumScript(Node c, String old) {
        if (old != null) {
            error(c.name() + " script already specified - ignoring " + word(c));
            return old;
        }
        // keepalived counts only scripts that exist (it does not run a missing one)
        usesScripts |= ScriptFiles.isScript(command(c));
        return command(c);
    }
}
