package io.jlvs.config;

import io.jlvs.core.IpAddress;
import java.time.Duration;

/** keepalived's readers for numbers, timers and addresses, reporting as keepalived words it. */
final class Values {
    private final ProblemLog log;

    Values(ProblemLog log) {
        this.log = log;
    }

    /** A decimal unsigned number in [min, max], or null after reporting. */
    Long unsigned(String s, long min, long max) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.startsWith("-")) {
            log.report(ProblemKind.INVALID_NUMBER, "negative number '" + s + "'");
            return null;
        }
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
            log.report(ProblemKind.INVALID_NUMBER, "invalid number '" + s + "'");
            return null;
        }
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside unsigned integer range");
            return null;
        }
        if (v < min || v > max) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside range [" + min + ", " + max + "]");
            return null;
        }
        return v;
    }

    /** A signed decimal integer in [min, max], or null after reporting. */
    Integer integer(String s, int min, int max) {
        if (s == null) {
            return null;
        }
        try {
            long v = Long.parseLong(s.strip());
            if (v < min || v > max) {
                log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside range [" + min + ", " + max + "]");
                return null;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            log.report(ProblemKind.INVALID_NUMBER, "invalid number '" + s + "'");
            return null;
        }
    }

    /** Seconds with up to 6 decimal places, in [minMicros, maxMicros]; null after reporting. */
    Duration timer(String s, long minMicros, long maxMicros) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.startsWith("-")) {
            log.report(ProblemKind.INVALID_NUMBER, "negative number '" + s + "'");
            return null;
        }
        int dot = t.indexOf('.');
        String whole = dot < 0 ? t : t.substring(0, dot);
        String frac = dot < 0 ? "" : t.substring(dot + 1);
        if (frac.length() > 6) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' has too many decimal places");
            return null;
        }
        if (whole.isEmpty() && frac.isEmpty() || !(whole + frac).chars().allMatch(Character::isDigit)) {
            log.report(ProblemKind.INVALID_NUMBER, "invalid number '" + s + "'");
            return null;
        }
        long micros;
        try {
            micros = Math.multiplyExact(whole.isEmpty() ? 0 : Long.parseLong(whole), 1_000_000L)
                    + (frac.isEmpty() ? 0 : Long.parseLong((frac + "000000").substring(0, 6)));
        } catch (NumberFormatException | ArithmeticException e) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside unsigned decimal range");
            return null;
        }
        if (micros < minMicros || micros > maxMicros) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside range");
            return null;
        }
        return Duration.ofNanos(micros * 1000);
    }

    /** An IPv4 or IPv6 literal, or null (the caller reports in its own words). */
    static IpAddress ip(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return null;
        }
        try {
            return IpAddress.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** keepalived's check_true_false: 1 for true/on/yes, 0 for false/off/no, -1 otherwise. */
    static int trueFalse(String s) {
        return switch (s) {
            case "true", "on", "yes" -> 1;
            case "false", "off", "no" -> 0;
            default -> -1;
        };
    }

    /** A port 0..65535 as keepalived reads one, or -1 when invalid. */
    static int port(String s) {
        if (s == null || s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int v = Integer.parseInt(s);
        return v <= 65535 ? v : -1;
    }
}
