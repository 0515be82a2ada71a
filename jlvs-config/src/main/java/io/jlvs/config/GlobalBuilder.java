package io.jlvs.config;

import io.jlvs.config.model.GlobalDefs;
import io.jlvs.config.model.LvsSyncDaemonDef;
import io.jlvs.config.model.Setting;
import io.jlvs.core.view.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** global_defs into {@link GlobalDefs}; several global_defs blocks add up, as in keepalived. */
final class GlobalBuilder extends BlockBuilder {
    private String routerId;
    private final List<String> emails = new ArrayList<>();
    private String from;
    private String smtpServer;
    private Duration smtpTimeout;
    private boolean scriptSecurity;
    private String scriptUser;
    private int vrrpVersion = 2;
    private boolean lvsFlush;
    private boolean vrrpStrict;
    private boolean dynamicInterfaces;
    private final List<Setting> settings = new ArrayList<>();
    private LvsSyncDaemonDef lvsSyncDaemon;
    private Timeouts lvsTimeouts;
    private boolean checkerLogAllFailures;
    private boolean rsInitNotifies;
    /** keepalived's LVS_MAX_TIMEOUT: 31 days, as ipvsadm's --set takes. */
    private static final long MAX_LVS_TIMEOUT = 86400L * 31;

    GlobalBuilder(ProblemLog log) {
        super(log);
    }

    void add(Node block) {
        for (Node c : block.children()) {
            at(c);
            settings.add(new Setting("global_defs", c.name(), c.args(), c.file(), c.line()));
            switch (c.name()) {
                case "router_id" -> {
                    if (c.args().isEmpty()) {
                        error("routerid name missing - ignoring");
                    } else {
                        routerId = word(c);
                    }
                }
                case "notification_email" -> {
                    for (List<String> l : c.values()) {
                        emails.addAll(l);
                    }
                }
                case "notification_email_from" -> from = word(c);
                case "smtp_server" -> {
                    if (Values.ip(word(c)) == null) {
                        error("Invalid smtp_server IP address " + word(c));
                    } else {
                        smtpServer = c.args().size() > 1 ? word(c) + " " + c.arg(1) : word(c);
                    }
                }
                case "smtp_connect_timeout" -> smtpTimeout = timer(c, 1, "smtp_connect_timeout " + word(c) + " invalid");
                case "enable_script_security" -> scriptSecurity = true;
                case "script_user" -> scriptUser = command(c);
                case "vrrp_version" -> {
                    Long v = values.unsigned(word(c), 2, 3);
                    if (v == null) {
                        error("VRRP Error: Version must be either 2 or 3");
                    } else {
                        vrrpVersion = (int) (long) v;
                    }
                }
                case "lvs_flush" -> lvsFlush = true;
                case "lvs_timeouts" -> lvsTimeouts(c);
                case "lvs_sync_daemon" -> {
                    LvsSyncDaemonDef d = new LvsSyncDaemonParser(log, values).parse(c.args(), lvsSyncDaemon);
                    if (d != null) {
                        lvsSyncDaemon = d;
                    }
                }
                case "checker_log_all_failures" -> checkerLogAllFailures = trueFalse(c, checkerLogAllFailures);
                case "rs_init_notifies" -> rsInitNotifies = trueFalse(c, rsInitNotifies);
                case "vrrp_strict" -> vrrpStrict = true;
                case "dynamic_interfaces" -> dynamicInterfaces = true;
                // keepalived 2.2.7 as Debian builds it has nftables, not iptables (nor vrrp_ipsets)
                case "vrrp_iptables" -> error("iptables not supported, using nftables instead. Please replace"
                        + " 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
                case "vrrp_vmac_garp_intvl" -> {
                    log.report(ProblemKind.DEPRECATED,
                            "Keyword \"vrrp_vmac_garp_intvl\" is deprecated - please use \"vrrp_garp_extra_if\"");
                    if (c.args().isEmpty()) {
                        error("vrrp_vmac_garp_intvl specified without time - ignoring");
                    }
                }
                case "vrrp_mcast_group4", "vrrp_mcast_group6" -> {
                    if (Values.ip(word(c)) == null) {
                        error(c.name() + " [" + word(c) + "] is not a valid multicast address");
                    }
                }
                default -> {
                }
            }
        }
    }

    /** A global yes/no keyword: bare is yes; an invalid word is reported and leaves the value as it was. */
    private boolean trueFalse(Node c, boolean current) {
        if (c.args().isEmpty()) {
            return true;
        }
        int v = Values.trueFalse(c.arg(0));
        if (v < 0) {
            // keepalived 2.2.7's two wordings (global_parser.c)
            error(c.name().equals("rs_init_notifies")
                    ? "Invalid value '" + c.arg(0) + "' for global rs_init_notifies specified"
                    : "Invalid value for " + c.name() + " specified");
            return current;
        }
        return v == 1;
    }

    /** lvs_timeouts [tcp N] [tcpfin N] [udp N], as keepalived reads it: a bad part is reported and skipped. */
    private void lvsTimeouts(Node c) {
        List<String> a = c.args();
        if (a.size() < 2) {
            error("lvs_timeouts requires at least one option");
            return;
        }
        int tcp = lvsTimeouts == null ? 0 : lvsTimeouts.tcp();
        int fin = lvsTimeouts == null ? 0 : lvsTimeouts.tcpFin();
        int udp = lvsTimeouts == null ? 0 : lvsTimeouts.udp();
        for (int i = 0; i < a.size(); i++) {
            String which = a.get(i);
            if (!which.equals("tcp") && !which.equals("tcpfin") && !which.equals("udp")) {
                error("Unknown option " + which + " specified for lvs_timeouts");
                continue;
            }
            if (i == a.size() - 1) {
                error("No value specified for lvs_timeout " + which + " - ignoring");
                continue;
            }
            Long v = values.unsigned(a.get(++i), 0, MAX_LVS_TIMEOUT);
            if (v == null) {
                error("Invalid lvs_timeout " + which + " (" + a.get(i) + ") - ignoring");
            } else if (which.equals("tcp")) {
                tcp = (int) (long) v;
            } else if (which.equals("tcpfin")) {
                fin = (int) (long) v;
            } else {
                udp = (int) (long) v;
            }
        }
        lvsTimeouts = new Timeouts(tcp, fin, udp);
    }

    boolean scriptSecurity() {
        return scriptSecurity;
    }

    int vrrpVersion() {
        return vrrpVersion;
    }

    /** lvs_sync_daemon as accepted, or null. */
    LvsSyncDaemonDef lvsSyncDaemon() {
        return lvsSyncDaemon;
    }

    boolean vrrpStrict() {
        return vrrpStrict;
    }

    /** dynamic_interfaces: interfaces the configuration names may appear later. */
    boolean dynamicInterfaces() {
        return dynamicInterfaces;
    }

    GlobalDefs build() {
        return new GlobalDefs(routerId, emails, from, smtpServer, smtpTimeout, scriptSecurity, scriptUser,
                vrrpVersion, lvsFlush, settings, lvsSyncDaemon, lvsTimeouts, checkerLogAllFailures, rsInitNotifies);
    }
}
