package io.jlvs.config;

import io.jlvs.config.model.BfdCheck;
import io.jlvs.config.model.CheckerDef;
import io.jlvs.config.model.CheckerOptions;
import io.jlvs.config.model.DnsCheck;
import io.jlvs.config.model.FileCheck;
import io.jlvs.config.model.HttpCheck;
import io.jlvs.config.model.MiscCheck;
import io.jlvs.config.model.PingCheck;
import io.jlvs.config.model.SmtpCheck;
import io.jlvs.config.model.TcpCheck;
import io.jlvs.config.model.UdpCheck;
import io.jlvs.config.model.UrlDef;
import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns the checker blocks of a real_server into {@link CheckerDef} records. */
final class CheckerBuilder extends BlockBuilder {
    private static final Set<String> DNS_TYPES = Set.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA");
    private final Set<String> trackFileNames;
    private final Set<String> bfdNames = new java.util.HashSet<>();
    /** True once a MISC_CHECK whose script exists was seen: a script keepalived would run. */
    boolean usesScripts;
    /** MISC_CHECK scripts that cannot be found: keepalived drops their checkers (logged once loaded). */
    final List<String> disabledScripts = new ArrayList<>();

    CheckerBuilder(ProblemLog log, Set<String> trackFileNames) {
        super(log);
        this.trackFileNames = trackFileNames;
    }

    CheckerDef build(Node n) {
        at(n);
        return switch (n.name()) {
            case "TCP_CHECK" -> new TcpCheck(options(n));
            case "PING_CHECK" -> new PingCheck(options(n));
            case "HTTP_GET", "SSL_GET" -> http(n);
            case "MISC_CHECK" -> misc(n);
            case "SMTP_CHECK" -> smtp(n);
            case "DNS_CHECK" -> dns(n);
            case "UDP_CHECK" -> udp(n);
            case "FILE_CHECK" -> file(n);
            case "BFD_CHECK" -> bfd(n);
            default -> null;
        };
    }

    CheckerOptions options(Node block) {
        IpAddress connectIp = null;
        int connectPort = 0;
        IpAddress bindTo = null;
        int bindPort = 0;
        String bindIf = null;
        Duration connectTimeout = null;
        int fwmark = 0;
        Integer retry = null;
        Duration delayBeforeRetry = null;
        Duration warmup = null;
        Duration delayLoop = null;
        Boolean alpha = null;
        boolean logAll = false;
        for (Node c : block.children()) {
            at(c);
            switch (c.name()) {
                case "connect_ip" -> {
                    connectIp = Values.ip(word(c));
                    if (connectIp == null) {
                        error("Invalid connect_ip address " + word(c) + " - ignoring");
                    }
                }
                case "connect_port" -> connectPort = port(c, "connect_port");
                case "bindto" -> {
                    bindTo = Values.ip(word(c));
                    if (bindTo == null) {
                        error("Invalid bindto address " + word(c) + " - ignoring");
                    }
                }
                case "bind_port" -> bindPort = port(c, "bind_port");
                case "bind_if" -> bindIf = word(c);
                case "connect_timeout" -> connectTimeout = timer(c, 1, "Invalid connect_timeout " + word(c));
                case "fwmark" -> {
                    Long v = values.unsigned(word(c), 0, 0xffffffffL);
                    fwmark = v == null ? 0 : (int) (long) v;
                    if (v == null) {
                        error("Invalid fwmark " + word(c));
                    }
                }
                case "retry", "nb_get_retry" -> {
                    if (c.name().equals("nb_get_retry")) {
                        error("nb_get_retry is deprecated - please use 'retry'");
                    }
                    // a checker's retry may be 0 (down at the first failure), unlike a real server's or a
                    // virtual server's (keepalived 2.2.7's ranges and messages)
                    Long v = values.unsigned(word(c), 0, 0xffffffffL);
                    retry = v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
                    if (v == null) {
                        error("Invalid retry connection value '" + word(c) + "'");
                    }
                }
                case "delay_before_retry" -> delayBeforeRetry = timer(c, 0, "Invalid delay_before_retry " + word(c));
                case "warmup" -> warmup = timer(c, 0, "Invalid warmup " + word(c));
                case "delay_loop" -> delayLoop = timer(c, 1, "Invalid delay_loop " + word(c));
                case "alpha" -> alpha = setFlag(c, "alpha") instanceof Boolean b ? b : alpha;
                case "log_all_failures" -> logAll = flag(c, "log_all_failures");
                default -> {
                }
            }
        }
        return new CheckerOptions(connectIp, connectPort, bindTo, bindPort, bindIf, connectTimeout, fwmark, retry,
                delayBeforeRetry, warmup, delayLoop, alpha, logAll);
    }

    private int port(Node c, String what) {
        int p = Values.port(word(c));
        if (p < 0) {
            error("Invalid " + what + " " + word(c));
            return 0;
        }
        return p;
    }

    private HttpCheck http(Node n) {
        String vhost = null;
        String proto = null;
        boolean sni = false;
        boolean fast = false;
        List<UrlDef> urls = new ArrayList<>();
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "virtualhost" -> vhost = word(c);
                case "http_protocol" -> {
                    proto = word(c);
                    if (!Set.of("1.0", "1.1", "1.0C", "1.0c").contains(proto)) {
                        error("Invalid http_protocol " + proto);
                    }
                }
                case "enable_sni" -> sni = flag(c, "enable_sni");
                case "fast_recovery" -> fast = flag(c, "fast_recovery");
                case "url" -> urls.add(url(c, n.name()));
                default -> {
                }
            }
        }
        at(n);
        if (urls.isEmpty()) {
            error("HTTP/SSL_GET checker has no urls specified - ignoring");
        }
        return new HttpCheck(n.name().equals("SSL_GET"), options(n), vhost, proto, sni, fast, urls);
    }

    private UrlDef url(Node n, String checker) {
        String path = null;
        String digest = null;
        List<String> codes = new ArrayList<>();
        String vhost = null;
        String regex = null;
        boolean noMatch = false;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "path" -> path = word(c);
                case "digest" -> {
                    digest = word(c);
                    if (digest.length() != 32 || !digest.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                        error(digest.length() != 32
                                ? "digest '" + digest + "' character length should be 32 rather than " + digest.length()
                                : "digest '" + digest + "' is not a hexadecimal string - ignoring");
                        digest = null;
                    }
                }
                case "status_code" -> {
                    for (String code : c.args()) {
                        if (!validStatus(code)) {
                            error("Invalid " + checker + " status code '" + code + "'");
                        } else {
                            codes.add(code);
                        }
                    }
                }
                case "virtualhost" -> vhost = word(c);
                case "regex" -> regex = word(c);
                case "regex_no_match" -> noMatch = true;
                default -> {
                }
            }
        }
        at(n);
        if (path == null) {
            error("HTTP/SSL_GET checker url has no path - ignoring");
        }
        return new UrlDef(path, digest, codes, vhost, regex, noMatch);
    }

    private static boolean validStatus(String code) {
        String[] parts = code.split("-", -1);
        if (parts.length > 2) {
            return false;
        }
        int prev = 0;
        for (String p : parts) {
            if (p.length() != 3 || !p.chars().allMatch(Character::isDigit)) {
                return false;
            }
            int v = Integer.parseInt(p);
            if (v < 100 || v > 599 || v < prev) {
                return false;
            }
            prev = v;
        }
        return true;
    }

    private MiscCheck misc(Node n) {
        String path = null;
        Duration timeout = null;
        boolean dynamic = false;
        String user = null;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "misc_path" -> path = command(c);
                case "misc_timeout" -> timeout = timer(c, 1, "Invalid misc_timeout " + word(c));
                case "misc_dynamic" -> dynamic = flag(c, "misc_dynamic");
                case "user" -> {
                    if (c.args().isEmpty()) {
                        error("No user specified for misc checker script " + (path == null ? "" : path));
                    } else {
                        user = command(c);
                    }
                }
                default -> {
                }
            }
        }
        at(n);
        if (path == null) {
            error("No script path has been specified for MISC_CHECKER - skipping");
        } else if (!ScriptFiles.found(path)) {
            // keepalived frees the checker before it starts (its real server keeps its other checkers)
            disabledScripts.add("Disabling misc script " + ScriptFiles.quoted(path) + " since not found/accessible");
            return null;
        } else {
            usesScripts |= ScriptFiles.isScript(path);
        }
        return new MiscCheck(options(n), path, timeout, dynamic, user);
    }

    private SmtpCheck smtp(Node n) {
        String helo = null;
        List<CheckerOptions> hosts = new ArrayList<>();
        for (Node c : n.children()) {
            at(c);
            if (c.name().equals("helo_name")) {
                helo = word(c);
            } else if (c.name().equals("host")) {
                hosts.add(options(c));
            }
        }
        return new SmtpCheck(options(n), helo, hosts);
    }

    private DnsCheck dns(Node n) {
        String type = null;
        String name = null;
        for (Node c : n.children()) {
            at(c);
            if (c.name().equals("type")) {
                type = word(c).toUpperCase(java.util.Locale.ROOT);
                if (!DNS_TYPES.contains(type)) {
                    error("Unknown DNS check type " + word(c) + " - ignoring");
                }
            } else if (c.name().equals("name")) {
                name = word(c);
            }
        }
        return new DnsCheck(options(n), type, name);
    }

    private UdpCheck udp(Node n) {
        String payload = null;
        boolean require = false;
        int min = 0;
        int max = 0;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "payload" -> {
                    payload = word(c);
                    if (payload.length() % 2 != 0 || !payload.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                        error("Invalid hex string for UDP_CHECK payload");
                    }
                }
                case "require_reply" -> require = true;
                case "min_reply_length" -> min = length(c);
                case "max_reply_length" -> max = length(c);
                default -> {
                }
            }
        }
        return new UdpCheck(options(n), payload, require, min, max);
    }

    private int length(Node c) {
        Long v = values.unsigned(word(c), 0, 65535);
        if (v == null) {
            error("Invalid " + c.name() + " " + word(c));
            return 0;
        }
        return (int) (long) v;
    }

    private FileCheck file(Node n) {
        String track = null;
        Integer weight = null;
        boolean reverse = false;
        for (Node c : n.children()) {
            at(c);
            if (c.name().equals("track_file")) {
                if (trackFileNames.contains(word(c))) {
                    track = word(c);
                } else {
                    error("track_file " + word(c) + " not found");
                }
            } else if (c.name().equals("weight")) {
                // keepalived 2.2.7 (check_file.c): -IPVS_WEIGHT_LIMIT..IPVS_WEIGHT_LIMIT, INT_MIN being its fault
                // value; a bad line leaves the weight and reverse unset (the track_file's apply)
                Integer w = values.integer(word(c), -Integer.MAX_VALUE, Integer.MAX_VALUE);
                String option = c.arg(1);
                if (w == null) {
                    error("weight for track file must be in [" + -Integer.MAX_VALUE + ".." + Integer.MAX_VALUE
                            + "] inclusive. Ignoring...");
                } else if (option != null && !option.equals("reverse") && !option.equals("noreverse")) {
                    error("unknown track file weight option " + option + " - ignoring");
                } else {
                    weight = w;
                    reverse = "reverse".equals(option);
                }
            }
        }
        at(n);
        if (track == null) {
            // keepalived drops the checker
            error("FILE_CHECK has no track_file specified - ignoring");
            return null;
        }
        return new FileCheck(track, weight, reverse);
    }

    /** A bfd_instance block read: BFD_CHECKs further down the file may name it (not those above it). */
    void bfdInstanceRead(String name, List<io.jlvs.config.model.BfdInstanceDef> instances) {
        if (instances.stream().anyMatch(b -> b.name().equals(name) && b.toChecker())) {
            bfdNames.add(name);
        }
    }

    private BfdCheck bfd(Node n) {
        String name = null;
        Boolean alpha = null;
        for (Node c : n.children()) {
            at(c);
            if (c.name().equals("name")) {
                String w = word(c);
                if (c.args().size() != 1) {
                    error("BFD_CHECK - No or too many names specified - skipping checker");
                    return null;
                }
                if (!bfdNames.contains(w)) {
                    error("BFD_CHECK - BFD " + w + " not configured");
                    return null;
                }
                if (name != null) {
                    error("BFD_CHECK - BFD " + w + " already specified as " + name);
                    return null;
                }
                name = w;
            } else if (c.name().equals("alpha")) {
                alpha = setFlag(c, "alpha") instanceof Boolean b ? b : alpha;
            }
        }
        at(n);
        if (name == null) {
            error("No name has been specified for BFD_CHECKER - skipping");
            return null;
        }
        return new BfdCheck(name, alpha);
    }
}
