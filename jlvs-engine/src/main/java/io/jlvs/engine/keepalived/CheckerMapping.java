package io.jlvs.engine.keepalived;

import io.jlvs.config.model.BfdCheck;
import io.jlvs.config.model.CheckerDef;
import io.jlvs.config.model.CheckerOptions;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.UrlDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.health.CheckSubject;
import io.jlvs.health.CheckTiming;
import io.jlvs.health.CheckerFactory;
import io.jlvs.health.CheckerKind;
import io.jlvs.health.CheckerParams;
import io.jlvs.health.CheckerSpec;
import io.jlvs.health.ConnectOptions;
import io.jlvs.health.DnsCheck;
import io.jlvs.health.DnsType;
import io.jlvs.health.FileCheck;
import io.jlvs.health.HexPattern;
import io.jlvs.health.HttpCheck;
import io.jlvs.health.HttpProtocol;
import io.jlvs.health.MiscCheck;
import io.jlvs.health.PingCheck;
import io.jlvs.health.SmtpCheck;
import io.jlvs.health.StatusCodes;
import io.jlvs.health.TcpCheck;
import io.jlvs.health.UdpCheck;
import io.jlvs.health.UrlCheck;
import io.jlvs.health.bfd.BfdChecker;
import io.jlvs.health.bfd.BfdSessions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds jlvs-health checkers from a real_server's checker blocks. Timing keywords are inherited as
 * keepalived inherits them: the checker's own, else the real_server's, else the virtual_server's, else
 * keepalived's default for the checker type ({@link CheckTiming}, {@link CheckerKind}).
 */
final class CheckerMapping {
    /** How long one BFD_CHECK attempt waits for a session change. */
    static final Duration BFD_WAIT = Duration.ofSeconds(1);
    static final Duration BFD_REARM = Duration.ofMillis(5);
    private static final CheckerOptions NOT_ALPHA = new CheckerOptions(null, 0, null, 0, null, null, 0, null, null,
            null, null, false, false);
    private final CheckerFactory factory;
    private final Map<String, TrackFileDef> trackFiles;
    private final Consumer<String> warn;
    private final BfdSessions bfd;
    private final boolean logAllFailures;

    CheckerMapping(CheckerFactory factory, Map<String, TrackFileDef> trackFiles, Consumer<String> warn) {
        this(factory, trackFiles, warn, null, false);
    }

    /**
     * @param bfd            the bfd_instance sessions BFD_CHECK follows, or null when there are none
     * @param logAllFailures global checker_log_all_failures: every checker logs as with its own log_all_failures
     */
    CheckerMapping(CheckerFactory factory, Map<String, TrackFileDef> trackFiles, Consumer<String> warn,
                   BfdSessions bfd, boolean logAllFailures) {
        this.factory = factory;
        this.trackFiles = trackFiles;
        this.warn = warn;
        this.bfd = bfd;
        this.logAllFailures = logAllFailures;
    }

    /**
     * The checkers of {@code rs}; a checker that cannot be built (bad parameters, an unknown BFD) is left out with
     * a warning, as keepalived ignores an invalid checker.
     *
     * @param startDown null: as configured (alpha); true/false: every checker starts failed / up (state carried
     *                  over from before a reload)
     */
    List<CheckerSpec> specs(VirtualServerDef vs, RealServerDef rs, CheckSubject subject, Boolean startDown) {
        List<CheckerSpec> out = new ArrayList<>();
        for (CheckerDef def : rs.checkers()) {
            try {
                add(out, def, vs, rs, subject, startDown);
            } catch (IllegalArgumentException e) {
                warn.accept(def.keyword() + " of " + subject.realServerLabel() + " ignored: " + e.getMessage());
            }
        }
        return out;
    }

    private void add(List<CheckerSpec> out, CheckerDef def, VirtualServerDef vs, RealServerDef rs,
                     CheckSubject subject, Boolean startDown) {
        String virtualhost = rs.virtualhost() != null ? rs.virtualhost() : vs.virtualhost();
        switch (def) {
            case io.jlvs.config.model.TcpCheck c ->
                    out.add(spec(new TcpCheck(connect(c.options())), c.options(), vs, rs, subject, virtualhost, startDown));
            case io.jlvs.config.model.HttpCheck c -> {
                List<UrlCheck> urls = c.urls().stream().map(CheckerMapping::url).toList();
                HttpCheck p = new HttpCheck(connect(c.options()), c.ssl(),
                        c.httpProtocol() == null ? null : HttpProtocol.parse(c.httpProtocol()), c.virtualhost(), urls,
                        c.enableSni(), null, 0, c.fastRecovery());
                out.add(spec(p, c.options(), vs, rs, subject, virtualhost, startDown));
            }
            case io.jlvs.config.model.MiscCheck c -> out.add(spec(new MiscCheck(c.path(), c.timeout(), c.dynamic(),
                    c.user()), c.options(), vs, rs, subject, virtualhost, startDown));
            case io.jlvs.config.model.SmtpCheck c -> {
                if (c.hosts().isEmpty()) {
                    out.add(spec(new SmtpCheck(connect(c.options()), c.heloName()), c.options(), vs, rs, subject,
                            virtualhost, startDown));
                }
                for (CheckerOptions host : c.hosts()) {
                    out.add(spec(new SmtpCheck(connect(host), c.heloName()), merge(host, c.options()), vs, rs,
                            subject, virtualhost, startDown));
                }
            }
            case io.jlvs.config.model.DnsCheck c -> out.add(spec(new DnsCheck(connect(c.options()),
                    c.type() == null ? null : DnsType.valueOf(c.type().toUpperCase(Locale.ROOT)), c.name(), false),
                    c.options(), vs, rs, subject, virtualhost, startDown));
            case io.jlvs.config.model.UdpCheck c -> out.add(spec(new UdpCheck(connect(c.options()),
                    c.payload() == null ? null : HexPattern.parse(c.payload()).bytes(), c.requireReply(), null,
                    c.minReplyLength(), c.maxReplyLength()), c.options(), vs, rs, subject, virtualhost, startDown));
            case io.jlvs.config.model.PingCheck c ->
                    out.add(spec(new PingCheck(connect(c.options())), c.options(), vs, rs, subject, virtualhost, startDown));
            case io.jlvs.config.model.FileCheck c -> {
                TrackFileDef tf = trackFiles.get(c.trackFile());
                if (tf == null) {
                    throw new IllegalArgumentException("track_file " + c.trackFile() + " not found");
                }
                int weight = c.weight() != null ? c.weight() : tf.weight();
                boolean reverse = c.weight() != null ? c.weightReverse() : tf.weightReverse();
                // keepalived (check_file.c) clears alpha on FILE_CHECK: the file is read at once
                out.add(spec(new FileCheck(Path.of(tf.file()), weight, reverse, weight != 0), NOT_ALPHA,
                        vs, rs, subject, virtualhost, startDown));
            }
            case BfdCheck c -> {
                if (bfd == null || bfd.session(c.name()).isEmpty()) {
                    throw new IllegalArgumentException("BFD " + c.name() + " not configured");
                }
                boolean alpha = startDown != null ? startDown : alpha(c.alpha(), rs, vs);
                out.add(new CheckerSpec(new BfdChecker(bfd, c.name(), subject, alpha, BFD_WAIT), bfdTiming(alpha)));
            }
        }
    }

    private CheckerSpec spec(CheckerParams params, CheckerOptions o, VirtualServerDef vs, RealServerDef rs,
                             CheckSubject subject, String virtualhost, Boolean startDown) {
        CheckTiming timing = timing(params.kind(), o, rs, vs);
        if (startDown != null) {
            timing = timing.withAlpha(startDown);
        }
        if (logAllFailures) {
            // keepalived tests global_data->checker_log_all_failures || checker->log_all_failures at each line
            timing = timing.withLogAllFailures(true);
        }
        return new CheckerSpec(factory.create(params, subject, timing, virtualhost), timing);
    }

    /** keepalived's inheritance: checker, then real_server, then virtual_server, then the default. */
    static CheckTiming timing(CheckerKind kind, CheckerOptions o, RealServerDef rs, VirtualServerDef vs) {
        Duration connectTimeout = first(o.connectTimeout(), rs.connectTimeout(), vs.connectTimeout(),
                CheckTiming.DEFAULT_CONNECT_TIMEOUT);
        Duration delayLoop = first(o.delayLoop(), rs.delayLoop(), vs.delayLoop(), CheckTiming.DEFAULT_DELAY_LOOP);
        int retry = first(o.retry(), rs.retry(), vs.retry(), kind.defaultRetry());
        Duration delayBeforeRetry = first(o.delayBeforeRetry(), rs.delayBeforeRetry(), vs.delayBeforeRetry(),
                kind.defaultDelayBeforeRetry(delayLoop));
        Duration warmup = first(o.warmup(), rs.warmup(), vs.warmup(), delayLoop);
        boolean alpha = alpha(o.alpha(), rs, vs);
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, warmup, alpha, o.logAllFailures());
    }

    /**
     * keepalived's check_data.c: a checker's alpha is its own when set (yes or no), else the real server's when
     * set, else the virtual server's; so {@code alpha no} overrides an {@code alpha} above it.
     */
    static boolean alpha(Boolean checker, RealServerDef rs, VirtualServerDef vs) {
        return first(checker, rs.alpha(), vs.alpha());
    }

    private static ConnectOptions connect(CheckerOptions o) {
        return new ConnectOptions(o.connectIp(), o.connectPort(), o.bindTo(), o.bindPort());
    }

    /** A SMTP_CHECK host block: its own connection, the checker's timing where it sets none. */
    private static CheckerOptions merge(CheckerOptions host, CheckerOptions outer) {
        return new CheckerOptions(host.connectIp(), host.connectPort(),
                host.bindTo() != null ? host.bindTo() : outer.bindTo(), host.bindPort() != 0 ? host.bindPort() : outer.bindPort(),
                host.bindIf() != null ? host.bindIf() : outer.bindIf(),
                first(host.connectTimeout(), outer.connectTimeout(), null, null), host.fwmark(),
                first(host.retry(), outer.retry(), null, null),
                first(host.delayBeforeRetry(), outer.delayBeforeRetry(), null, null),
                first(host.warmup(), outer.warmup(), null, null), first(host.delayLoop(), outer.delayLoop(), null, null),
                first(host.alpha(), outer.alpha(), null), host.logAllFailures() || outer.logAllFailures());
    }

    private static UrlCheck url(UrlDef u) {
        return new UrlCheck(u.path(), u.digest(),
                u.statusCodes().isEmpty() ? null : StatusCodes.parse(String.join(" ", u.statusCodes())),
                u.virtualhost(), u.regex() == null ? null : Pattern.compile(u.regex()), u.regexNoMatch());
    }

    /**
     * BFD_CHECK's timing: no retry (the session's detection time already is one), no warmup, and the next wait for
     * a session change starts {@link #BFD_REARM} after the last one returned.
     */
    static CheckTiming bfdTiming(boolean alpha) {
        return new CheckTiming(CheckTiming.DEFAULT_CONNECT_TIMEOUT, 0, Duration.ZERO, BFD_REARM, Duration.ZERO, alpha,
                false);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
