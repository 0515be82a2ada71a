package io.jlvs.config;

import io.jlvs.config.model.CheckerDef;
import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** real_server IP [port] { ... }. */
final class RealServerBuilder extends BlockBuilder {
    /** The weight of a real server without a valid weight line: the virtual server's replaces it. */
    static final int WEIGHT_NOT_SET = -1;

    private final CheckerBuilder checkers;
    /** True once a notify_up / notify_down script that exists was seen. */
    boolean usesScripts;

    RealServerBuilder(ProblemLog log, CheckerBuilder checkers) {
        super(log);
        this.checkers = checkers;
    }

    /**
     * The real server, or null (after reporting) when its address is invalid; its weight is
     * {@link #WEIGHT_NOT_SET} when no valid weight line gave one (the virtual server's builder fills it in).
     */
    RealServerDef build(Node n) {
        at(n);
        String portWord = n.arg(1);
        IpAddress ip = Values.ip(n.arg(0));
        int port = portWord == null ? 0 : Values.port(portWord);
        if (ip == null || port < 0) {
            error("Invalid real server ip address/port " + n.arg(0) + "/" + portWord + " - skipping");
            return null;
        }
        int weight = WEIGHT_NOT_SET;
        Forwarding fwd = null;
        int upper = 0;
        int lower = 0;
        boolean inhibit = false;
        Boolean alpha = null;
        String up = null;
        String down = null;
        Integer retry = null;
        Duration dbr = null;
        Duration warmup = null;
        Duration ct = null;
        Duration loop = null;
        String vhost = null;
        List<CheckerDef> checks = new ArrayList<>();
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "weight" -> {
                    Long v = values.unsigned(word(c), 0, Integer.MAX_VALUE);
                    if (v == null) {
                        error("Real server weight " + word(c) + " is outside range 0-" + Integer.MAX_VALUE);
                    } else {
                        weight = (int) (long) v;
                    }
                }
                case "lvs_method" -> fwd = ForwardingParser.parse(c, "real", log);
                case "uthreshold" -> upper = threshold(c, "uthreshold", upper);
                case "lthreshold" -> lower = threshold(c, "lthreshold", lower);
                case "inhibit_on_failure" -> inhibit = flag(c, "inhibit_on_failure");
                case "alpha" -> alpha = setFlag(c, "alpha") instanceof Boolean b ? b : alpha;
                case "notify_up" -> up = script(c, up);
                case "notify_down" -> down = script(c, down);
                case "retry" -> {
                    Long v = values.unsigned(word(c), 1, 0xffffffffL);
                    if (v == null) {
                        error("retry value invalid - " + word(c));
                    } else {
                        retry = (int) Math.min(Integer.MAX_VALUE, v);
                    }
                }
                case "delay_before_retry" -> dbr = timer(c, 0, "real server delay_before_retry '" + word(c) + "' invalid - ignoring");
                case "warmup" -> warmup = timer(c, 0, "real server warmup '" + word(c) + "' invalid - ignoring");
                case "connect_timeout" -> ct = timer(c, 1, "real server connect_timeout " + word(c) + " invalid - ignoring");
                case "delay_loop" -> loop = timer(c, 1, "real server delay_loop '" + word(c) + "' invalid - ignoring");
                case "virtualhost" -> vhost = word(c);
                default -> {
                    if (c.keyword().sub() != null) {
                        CheckerDef d = checkers.build(c);
                        if (d != null) {
                            checks.add(d);
                        }
                    }
                }
            }
        }
        return new RealServerDef(ip, port, weight, fwd, upper, lower, inhibit, alpha, up, down, retry, dbr, warmup,
                ct, loop, vhost, checks);
    }

    private int threshold(Node c, String what, int old) {
        Long v = values.unsigned(word(c), 0, 0xffffffffL);
        if (v == null) {
            error("Invalid real_server " + what + " '" + word(c) + "' - ignoring");
            return old;
        }
        return (int) Math.min(Integer.MAX_VALUE, v);
    }

    private String script(Node c, String old) {
        if (old != null) {
            error(c.name() + " script already specified - ignoring " + word(c));
            return old;
        }
        // keepalived counts only scripts that exist (it does not run a missing one)
        usesScripts |= ScriptFiles.isScript(command(c));
        return command(c);
    }
}
