package io.jlvs.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the per-block builders share: reporting at a node, and reading its words. */
abstract class BlockBuilder {
    /** keepalived's TIMER_MAXIMUM in microseconds, bounded to what a Duration comfortably holds. */
    static final long MAX_TIMER = 4_294_967_295_000_000L;

    final ProblemLog log;
    final Values values;

    BlockBuilder(ProblemLog log) {
        this.log = log;
        this.values = new Values(log);
    }

    void at(Node n) {
        log.at(n.file(), n.line(), n.name());
    }

    /** Reports the next problems at one line of a value block. */
    void at(Node block, Statement valueLine) {
        log.at(valueLine.file(), valueLine.line(), block.name());
    }

    void error(String message) {
        log.report(ProblemKind.GENERAL_ERROR, message);
    }

    /** The node's first word; missing words were already refused by the stream parser. */
    static String word(Node n) {
        return n.arg(0);
    }

    /** A flag keyword with an optional true/false word; reports a bad word. */
    boolean flag(Node n, String what) {
        if (n.args().isEmpty()) {
            return true;
        }
        int v = Values.trueFalse(n.arg(0));
        if (v < 0) {
            error("Invalid " + what + " parameter " + n.arg(0));
            return true;
        }
        return v == 1;
    }

    /**
     * A yes/no keyword whose absence matters (keepalived's -1 "not set", for keywords inherited from the level
     * above): null when its argument is invalid, as keepalived then leaves it unset.
     */
    Boolean setFlag(Node n, String what) {
        if (n.args().isEmpty()) {
            return Boolean.TRUE;
        }
        int v = Values.trueFalse(n.arg(0));
        if (v < 0) {
            error("Invalid " + what + " parameter " + n.arg(0));
            return null;
        }
        return v == 1;
    }

    Duration timer(Node n, long minMicros, String errorText) {
        Duration d = values.timer(word(n), minMicros, MAX_TIMER);
        if (d == null) {
            error(errorText);
        }
        return d;
    }

    /** Each value-block line's words joined by one space. */
    static List<String> lines(Node n) {
        List<String> out = new ArrayList<>();
        for (List<String> l : n.values()) {
            out.add(String.join(" ", l));
        }
        return out;
    }

    /** The script words of notify_up etc. joined as keepalived keeps them. */
    static String command(Node n) {
        return String.join(" ", n.args());
    }
}
