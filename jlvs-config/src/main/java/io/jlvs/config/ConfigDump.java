package io.jlvs.config;

import io.jlvs.config.model.BfdCheck;
import io.jlvs.config.model.CheckerDef;
import io.jlvs.config.model.CheckerOptions;
import io.jlvs.config.model.DnsCheck;
import io.jlvs.config.model.FileCheck;
import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.HttpCheck;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.MiscCheck;
import io.jlvs.config.model.PingCheck;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.ServiceAddress;
import io.jlvs.config.model.Setting;
import io.jlvs.config.model.SmtpCheck;
import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TcpCheck;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.UdpCheck;
import io.jlvs.config.model.UrlDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.config.model.VirtualServerGroupDef;
import io.jlvs.config.model.VirtualServerGroupEntry;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import io.jlvs.core.IpAddress;
import io.jlvs.core.SchedFlag;
import java.time.Duration;
import java.util.List;

/**
 * {@code --dump-conf}: the effective configuration in keepalived.conf syntax (includes, definitions and
 * sequences already expanded, defaults filled in), then the keywords accepted with no effect.
 */
public final class ConfigDump {
    private final StringBuilder out = new StringBuilder();
    private int depth;

    private ConfigDump() {
    }

    public static String render(KeepalivedConfig c) {
        ConfigDump d = new ConfigDump();
        d.all(c);
        return d.out.toString();
    }

    private void all(KeepalivedConfig c) {
        open("global_defs");
        for (Setting s : c.globalDefs().settings()) {
            if (s.keyword().equals("notification_email")) {
                open("notification_email");
                c.globalDefs().notificationEmail().forEach(this::line);
                close();
            } else {
                line(s.args().isEmpty() ? s.keyword()
                        : s.keyword() + " " + String.join(" ", s.args().stream().map(ConfigDump::quote).toList()));
            }
        }
        close();
        valueBlock("static_ipaddress", c.staticIpaddresses());
        valueBlock("static_routes", c.staticRoutes());
        for (VrrpScriptDef s : c.vrrpScripts()) {
            open("vrrp_script " + s.name());
            line("script " + quote(s.script()));
            line("interval " + secs(s.interval()));
            opt("timeout", s.timeout() == null ? null : secs(s.timeout()));
            line("weight " + s.weight() + (s.weightReverse() ? " reverse" : ""));
            line("rise " + s.rise());
            line("fall " + s.fall());
            opt("user", quoteOrNull(s.user()));
            flag("init_fail", s.initFail());
            close();
        }
        for (TrackFileDef t : c.trackFiles()) {
            open("track_file " + t.name());
            line("file " + quote(t.file()));
            line("weight " + t.weight() + (t.weightReverse() ? " reverse" : ""));
            opt("init_file", t.initFile());
            close();
        }
        c.bfdInstances().forEach(this::bfdInstance);
        c.vrrpInstances().forEach(this::instance);
        c.syncGroups().forEach(this::syncGroup);
        for (VirtualServerGroupDef g : c.virtualServerGroups()) {
            open("virtual_server_group " + g.name());
            g.entries().forEach(e -> line(entry(e)));
            close();
        }
        c.virtualServers().forEach(this::virtualServer);
        if (!c.noEffect().isEmpty()) {
            out.append("\n# accepted, no effect in jlvs:\n");
            for (Setting s : c.noEffect()) {
                out.append("#   ").append(s.block()).append(": ").append(s.text())
                        .append("  (").append(s.file()).append(": Line ").append(s.line()).append(")\n");
            }
        }
    }

    private void bfdInstance(io.jlvs.config.model.BfdInstanceDef b) {
        open("bfd_instance " + b.name());
        line("neighbor_ip " + b.neighbor());
        opt("source_ip", b.source() == null ? null : b.source().toString());
        line("min_rx " + millis(b.minRxMicros()));
        line("min_tx " + millis(b.minTxMicros()));
        line("idle_tx " + millis(b.idleTxMicros()));
        line("multiplier " + b.multiplier());
        flag("passive", b.passive());
        line("ttl " + b.ttl());
        line("max_hops " + b.maxHops());
        if (b.weight() != 0 || b.weightReverse()) {
            line("weight " + b.weight() + (b.weightReverse() ? " reverse" : ""));
        }
        flag("vrrp", b.toVrrp() && !b.toChecker());
        flag("checker", b.toChecker() && !b.toVrrp());
        close();
    }

    private static String millis(long micros) {
        return micros % 1000 == 0 ? Long.toString(micros / 1000)
                : new java.math.BigDecimal(micros).movePointLeft(3).stripTrailingZeros().toPlainString();
    }

    private void instance(VrrpInstanceDef i) {
        open("vrrp_instance " + i.name());
        opt("state", i.state());
        opt("interface", i.iface());
        line("virtual_router_id " + i.virtualRouterId());
        line("priority " + i.priority());
        line("advert_int " + secs(i.advertInt()));
        line("version " + i.version());
        opt("unicast_src_ip", i.unicastSrcIp());
        opt("mcast_src_ip", i.mcastSrcIp());
        flag("nopreempt", i.nopreempt());
        opt("preempt_delay", i.preemptDelay() == null ? null : secs(i.preemptDelay()));
        if (i.authType() != null) {
            open("authentication");
            line("auth_type " + i.authType());
            opt("auth_pass", quoteOrNull(i.authPass()));
            close();
        }
        valueBlock("virtual_ipaddress", i.virtualIpaddresses());
        valueBlock("virtual_ipaddress_excluded", i.virtualIpaddressesExcluded());
        valueBlock("virtual_routes", i.virtualRoutes());
        valueBlock("virtual_rules", i.virtualRules());
        valueBlock("unicast_peer", i.unicastPeers());
        valueBlock("track_interface", i.trackInterfaces());
        valueBlock("track_script", i.trackScripts());
        valueBlock("track_file", i.trackFiles());
        opt("notify_master", quoteOrNull(i.notifyMaster()));
        opt("notify_backup", quoteOrNull(i.notifyBackup()));
        opt("notify_fault", quoteOrNull(i.notifyFault()));
        opt("notify_stop", quoteOrNull(i.notifyStop()));
        opt("notify", quoteOrNull(i.notifyAny()));
        close();
    }

    private void syncGroup(SyncGroupDef g) {
        open("vrrp_sync_group " + g.name());
        valueBlock("group", g.group());
        valueBlock("track_interface", g.trackInterfaces());
        valueBlock("track_script", g.trackScripts());
        valueBlock("track_file", g.trackFiles());
        opt("notify_master", quoteOrNull(g.notifyMaster()));
        opt("notify_backup", quoteOrNull(g.notifyBackup()));
        opt("notify_fault", quoteOrNull(g.notifyFault()));
        opt("notify_stop", quoteOrNull(g.notifyStop()));
        opt("notify", quoteOrNull(g.notifyAny()));
        flag("smtp_alert", g.smtpAlert());
        close();
    }

    private void virtualServer(VirtualServerDef v) {
        String head = switch (v.address()) {
            case ServiceAddress.Inet a -> a.address() + " " + a.port();
            case ServiceAddress.Fwmark f -> "fwmark " + Integer.toUnsignedString(f.fwmark());
            case ServiceAddress.Group g -> "group " + g.name();
        };
        open("virtual_server " + head);
        opt("ip_family", v.ipFamily() == null ? null : v.ipFamily() == io.jlvs.core.AddressFamily.INET ? "inet" : "inet6");
        opt("protocol", v.protocol() == null ? null : v.protocol().label());
        line("lb_algo " + (v.scheduler() == null ? "wlc" : v.scheduler()));
        for (SchedFlag f : v.schedFlags()) {
            line(f.spelling());
        }
        flag("hashed", v.hashed());
        flag("ops", v.onePacket());
        if (v.forwarding() != null) {
            line("lb_kind " + kind(v.forwarding()));
        }
        if (v.persistenceTimeout() > 0) {
            line("persistence_timeout " + v.persistenceTimeout());
        }
        if (v.persistenceGranularity() != null) {
            int g = v.persistenceGranularity();
            line("persistence_granularity " + (v.family() == io.jlvs.core.AddressFamily.INET
                    ? IpAddress.ofV4(g).toString() : Integer.toString(g)));
        }
        opt("persistence_engine", quoteOrNull(v.persistenceEngine()));
        opt("delay_loop", v.delayLoop() == null ? null : secs(v.delayLoop()));
        opt("connect_timeout", v.connectTimeout() == null ? null : secs(v.connectTimeout()));
        opt("retry", v.retry() == null ? null : v.retry().toString());
        opt("delay_before_retry", v.delayBeforeRetry() == null ? null : secs(v.delayBeforeRetry()));
        opt("warmup", v.warmup() == null ? null : secs(v.warmup()));
        line("quorum " + Integer.toUnsignedString(v.quorum()));
        line("hysteresis " + Integer.toUnsignedString(v.hysteresis()));
        opt("quorum_up", quoteOrNull(v.quorumUp()));
        opt("quorum_down", quoteOrNull(v.quorumDown()));
        flag("alpha", v.alpha());
        flag("omega", v.omega());
        flag("inhibit_on_failure", v.inhibitOnFailure());
        flag("ha_suspend", v.haSuspend());
        opt("virtualhost", quoteOrNull(v.virtualhost()));
        if (v.sorryServer() != null) {
            line("sorry_server " + v.sorryServer().address() + " " + v.sorryServer().port());
            flag("sorry_server_inhibit", v.sorryServer().inhibit());
            if (v.sorryServer().forwarding() != null) {
                line("sorry_server_lvs_method " + kind(v.sorryServer().forwarding()));
            }
        }
        v.realServers().forEach(this::realServer);
        close();
    }

    private void realServer(RealServerDef r) {
        open("real_server " + r.address() + " " + r.port());
        line("weight " + r.weight());
        if (r.forwarding() != null) {
            line("lvs_method " + kind(r.forwarding()));
        }
        if (r.upperThreshold() != 0) {
            line("uthreshold " + Integer.toUnsignedString(r.upperThreshold()));
        }
        if (r.lowerThreshold() != 0) {
            line("lthreshold " + Integer.toUnsignedString(r.lowerThreshold()));
        }
        flag("inhibit_on_failure", r.inhibitOnFailure());
        setFlag("alpha", r.alpha());
        opt("notify_up", quoteOrNull(r.notifyUp()));
        opt("notify_down", quoteOrNull(r.notifyDown()));
        opt("retry", r.retry() == null ? null : r.retry().toString());
        opt("delay_before_retry", r.delayBeforeRetry() == null ? null : secs(r.delayBeforeRetry()));
        opt("warmup", r.warmup() == null ? null : secs(r.warmup()));
        opt("connect_timeout", r.connectTimeout() == null ? null : secs(r.connectTimeout()));
        opt("delay_loop", r.delayLoop() == null ? null : secs(r.delayLoop()));
        opt("virtualhost", quoteOrNull(r.virtualhost()));
        r.checkers().forEach(this::checker);
        close();
    }

    private void checker(CheckerDef c) {
        open(c.keyword());
        switch (c) {
            case TcpCheck t -> options(t.options());
            case PingCheck p -> options(p.options());
            case HttpCheck h -> {
                options(h.options());
                opt("virtualhost", quoteOrNull(h.virtualhost()));
                opt("http_protocol", h.httpProtocol());
                flag("enable_sni", h.enableSni());
                flag("fast_recovery", h.fastRecovery());
                for (UrlDef u : h.urls()) {
                    open("url");
                    opt("path", quoteOrNull(u.path()));
                    opt("digest", u.digest());
                    if (!u.statusCodes().isEmpty()) {
                        line("status_code " + String.join(" ", u.statusCodes()));
                    }
                    opt("virtualhost", quoteOrNull(u.virtualhost()));
                    opt("regex", quoteOrNull(u.regex()));
                    flag("regex_no_match", u.regexNoMatch());
                    close();
                }
            }
            case MiscCheck m -> {
                options(m.options());
                opt("misc_path", quoteOrNull(m.path()));
                opt("misc_timeout", m.timeout() == null ? null : secs(m.timeout()));
                flag("misc_dynamic", m.dynamic());
                opt("user", quoteOrNull(m.user()));
            }
            case SmtpCheck s -> {
                options(s.options());
                opt("helo_name", quoteOrNull(s.heloName()));
                for (CheckerOptions h : s.hosts()) {
                    open("host");
                    options(h);
                    close();
                }
            }
            case DnsCheck d -> {
                options(d.options());
                opt("type", d.type());
                opt("name", quoteOrNull(d.name()));
            }
            case UdpCheck u -> {
                options(u.options());
                opt("payload", u.payload());
                flag("require_reply", u.requireReply());
                if (u.minReplyLength() != 0) {
                    line("min_reply_length " + u.minReplyLength());
                }
                if (u.maxReplyLength() != 0) {
                    line("max_reply_length " + u.maxReplyLength());
                }
            }
            case FileCheck f -> {
                opt("track_file", quoteOrNull(f.trackFile()));
                opt("weight", f.weight() == null ? null : f.weight() + (f.weightReverse() ? " reverse" : ""));
            }
            case BfdCheck b -> {
                opt("name", quoteOrNull(b.name()));
                setFlag("alpha", b.alpha());
            }
        }
        close();
    }

    private void options(CheckerOptions o) {
        opt("connect_ip", o.connectIp() == null ? null : o.connectIp().toString());
        if (o.connectPort() != 0) {
            line("connect_port " + o.connectPort());
        }
        opt("bindto", o.bindTo() == null ? null : o.bindTo().toString());
        if (o.bindPort() != 0) {
            line("bind_port " + o.bindPort());
        }
        opt("bind_if", quoteOrNull(o.bindIf()));
        opt("connect_timeout", o.connectTimeout() == null ? null : secs(o.connectTimeout()));
        if (o.fwmark() != 0) {
            line("fwmark " + Integer.toUnsignedString(o.fwmark()));
        }
        opt("retry", o.retry() == null ? null : o.retry().toString());
        opt("delay_before_retry", o.delayBeforeRetry() == null ? null : secs(o.delayBeforeRetry()));
        opt("warmup", o.warmup() == null ? null : secs(o.warmup()));
        opt("delay_loop", o.delayLoop() == null ? null : secs(o.delayLoop()));
        setFlag("alpha", o.alpha());
        flag("log_all_failures", o.logAllFailures());
    }

    private static String entry(VirtualServerGroupEntry e) {
        if (e.isFwmark()) {
            return "fwmark " + Integer.toUnsignedString(e.fwmark()) + (e.family() == null ? ""
                    : e.family() == io.jlvs.core.AddressFamily.INET6 ? " inet6" : " inet");
        }
        String range = e.first().equals(e.last()) ? e.first().toString() : e.first() + "-" + e.last();
        return range + " " + e.port();
    }

    private static String kind(Forwarding f) {
        if (f.tunnelType() == null) {
            return f.keepalivedName();
        }
        String s = "TUN type " + f.tunnelType().spelling();
        if (f.tunnelPort() != 0) {
            s += " port " + f.tunnelPort();
        }
        return switch (f.tunnelChecksum()) {
            case NOCSUM -> s;
            case CSUM -> s + " csum";
            case REMCSUM -> s + " remcsum";
        };
    }

    static String secs(Duration d) {
        long micros = d.toNanos() / 1000;
        long whole = micros / 1_000_000;
        long frac = micros % 1_000_000;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format("%06d", frac);
        return whole + "." + f.replaceAll("0+$", "");
    }

    private static String quote(String s) {
        boolean plain = !s.isEmpty() && s.chars().noneMatch(c -> " \t#!\\{}\"".indexOf(c) >= 0);
        return plain ? s : "\"" + s + "\"";
    }

    private static String quoteOrNull(String s) {
        return s == null ? null : quote(s);
    }

    private void valueBlock(String name, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        open(name);
        lines.forEach(this::line);
        close();
    }

    private void opt(String keyword, String value) {
        if (value != null) {
            line(keyword + " " + value);
        }
    }

    /** A flag that may be set to no (to override the level above): absent when not set. */
    private void setFlag(String keyword, Boolean value) {
        if (value != null) {
            line(value ? keyword : keyword + " no");
        }
    }

    private void flag(String keyword, boolean on) {
        if (on) {
            line(keyword);
        }
    }

    private void open(String head) {
        line(head + " {");
        depth++;
    }

    private void close() {
        depth--;
        line("}");
    }

    private void line(String s) {
        out.append("    ".repeat(Math.max(0, depth))).append(s).append('\n');
    }
}
