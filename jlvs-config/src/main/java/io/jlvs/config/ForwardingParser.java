package io.jlvs.config;

import io.jlvs.config.model.Forwarding;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;

/**
 * lb_kind / lvs_method words: NAT, DR, TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum], and FNAT
 * (jlvs's FULLNAT; a deliberate divergence: keepalived refuses FNAT).
 */
final class ForwardingParser {
    private ForwardingParser() {
    }

    static Forwarding parse(Node n, String serverType, ProblemLog log) {
        String str = n.arg(0);
        if (str == null) {
            // sorry_server_lvs_method alone after a sorry_server: keepalived reads the missing word and stops
            StreamParser.missingParameter(log, n.statement());
            return null;
        }
        ForwardingMethod m = switch (str) {
            case "NAT" -> ForwardingMethod.MASQ;
            case "DR" -> ForwardingMethod.DROUTE;
            case "TUN" -> ForwardingMethod.TUNNEL;
            case "FNAT" -> ForwardingMethod.FULLNAT;
            default -> null;
        };
        if (m == null) {
            log.report(ProblemKind.GENERAL_ERROR, "PARSER : unknown [" + str + "] routing method for " + serverType + " server.");
            return null;
        }
        if (m != ForwardingMethod.TUNNEL) {
            return Forwarding.of(m);
        }
        TunnelType type = TunnelType.IPIP;
        int port = 0;
        TunnelChecksum csum = TunnelChecksum.NOCSUM;
        boolean portSet = false;
        for (int i = 1; i < n.args().size(); i++) {
            String w = n.arg(i);
            switch (w) {
                case "type" -> {
                    String t = n.arg(i + 1);
                    if (t == null) {
                        log.report(ProblemKind.GENERAL_ERROR, "Missing tunnel type for " + serverType + " server.");
                        return null;
                    }
                    i++;
                    switch (t) {
                        case "ipip" -> type = TunnelType.IPIP;
                        case "gue" -> type = TunnelType.GUE;
                        case "gre" -> type = TunnelType.GRE;
                        default -> {
                            log.report(ProblemKind.GENERAL_ERROR, "Unknown tunnel type " + t + " for " + serverType + " server.");
                            return null;
                        }
                    }
                }
                case "port" -> {
                    String p = n.arg(i + 1);
                    if (p == null) {
                        log.report(ProblemKind.GENERAL_ERROR, "Missing port for " + serverType + " server gue tunnel.");
                        return null;
                    }
                    i++;
                    int v = Values.port(p);
                    if (v < 1) {
                        log.report(ProblemKind.GENERAL_ERROR, "Invalid gue tunnel port " + p + " for " + serverType + " server.");
                        return null;
                    }
                    port = v;
                    portSet = true;
                }
                case "nocsum" -> csum = TunnelChecksum.NOCSUM;
                case "csum" -> csum = TunnelChecksum.CSUM;
                case "remcsum" -> csum = TunnelChecksum.REMCSUM;
                default -> {
                    log.report(ProblemKind.GENERAL_ERROR, "Invalid tunnel option " + w + " for " + serverType + " server.");
                    return null;
                }
            }
        }
        if ((type == TunnelType.GUE) != portSet) {
            log.report(ProblemKind.GENERAL_ERROR, "gue tunnels require port, otherwise cannot have port.");
            return null;
        }
        if (type == TunnelType.IPIP && csum != TunnelChecksum.NOCSUM) {
            log.report(ProblemKind.GENERAL_ERROR, "ipip tunnels do not support checksum option.");
            return null;
        }
        if (type == TunnelType.GRE && csum == TunnelChecksum.REMCSUM) {
            log.report(ProblemKind.GENERAL_ERROR, "gre tunnels do not support remote checksum option.");
            return null;
        }
        return new Forwarding(m, type, port, csum);
    }
}
