package io.jlvs.config;

import io.jlvs.config.model.BfdInstanceDef;
import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * bfd_instance blocks, read and checked as keepalived 2.2.7 does: an invalid value is reported and ignored (the
 * default stays), a missing, malformed or duplicate neighbor or a source of the other family drops the instance.
 */
final class BfdBuilder extends BlockBuilder {
    /** keepalived's BFD_INAME_MAX includes the terminating NUL. */
    private static final int NAME_MAX = 31;
    private static final long INTERVAL_MAX_MS = 4_294_967;
    private final List<BfdInstanceDef> built = new ArrayList<>();

    BfdBuilder(ProblemLog log) {
        super(log);
    }

    List<BfdInstanceDef> instances() {
        return List.copyOf(built);
    }

    void add(Node n) {
        at(n);
        String name = n.arg(0);
        if (name.length() > NAME_MAX) {
            error("BFD name " + name + " too long");
            error("Configuration error: BFD instance " + name + " name too long (maximum length is " + NAME_MAX
                    + " characters) - ignoring");
            return;
        }
        if (built.stream().anyMatch(b -> b.name().equals(name))) {
            error("BFD " + name + " already specified");
            error("Configuration error: BFD instance " + name + " already configured - ignoring");
            return;
        }
        String neighborWord = "neighbor";
        IpAddress neighbor = null;
        IpAddress source = null;
        long minRx = BfdInstanceDef.DEFAULT_MIN_RX_MICROS;
        long minTx = BfdInstanceDef.DEFAULT_MIN_TX_MICROS;
        long idleTx = BfdInstanceDef.DEFAULT_IDLE_TX_MICROS;
        int multiplier = BfdInstanceDef.DEFAULT_MULTIPLIER;
        boolean passive = false;
        int ttl = 0;
        int maxHops = 0;
        int weight = 0;
        boolean reverse = false;
        boolean vrrpNamed = false;
        boolean checkerNamed = false;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "neighbor_ip", "neighbour_ip" -> {
                    neighborWord = c.name().equals("neighbour_ip") ? "neighbour" : "neighbor";
                    IpAddress a = Values.ip(word(c));
                    if (a == null) {
                        error("Configuration error: BFD instance " + name + " has malformed " + neighborWord
                                + " address " + word(c) + ", ignoring instance");
                        return;
                    }
                    IpAddress taken = a;
                    if (built.stream().anyMatch(b -> b.neighbor().equals(taken))) {
                        error("Configuration error: BFD instance " + name + " has duplicate " + neighborWord
                                + " address " + word(c) + ", ignoring instance");
                        return;
                    }
                    neighbor = a;
                }
                case "source_ip" -> {
                    IpAddress a = Values.ip(word(c));
                    if (a == null) {
                        error("Configuration error: BFD instance " + name + " has malformed source address "
                                + word(c) + ", ignoring");
                    } else {
                        source = a;
                    }
                }
                case "min_rx" -> minRx = interval(c, name, 1, minRx);
                case "min_tx" -> minTx = interval(c, name, 1, minTx);
                case "idle_tx" -> idleTx = interval(c, name, 1000, idleTx);
                case "multiplier" -> {
                    Integer v = values.integer(word(c), 1, 255);
                    if (v == null) {
                        error("Configuration error: BFD instance " + name + " multiplier value " + word(c)
                                + " not valid (must be in range [1-255]), ignoring");
                    } else {
                        multiplier = v;
                    }
                }
                case "passive" -> passive = true;
                case "ttl", "hoplimit" -> {
                    Integer v = values.integer(word(c), 1, 255);
                    if (v == null) {
                        error("Configuration error: BFD instance " + name + " ttl/hoplimit value " + word(c)
                                + " not valid (must be in range [1-255]), ignoring");
                    } else {
                        ttl = v;
                    }
                }
                case "max_hops" -> {
                    Integer v = values.integer(word(c), -1, 255);
                    if (v == null) {
                        error("Configuration error: BFD instance " + name + " max_hops value " + word(c)
                                + " not valid (must be in range [-1-255]), ignoring");
                    } else {
                        maxHops = v;
                    }
                }
                case "weight" -> {
                    Integer v = values.integer(word(c), -253, 253);
                    if (v == null) {
                        error("Configuration error: BFD instance " + name + " weight value " + word(c)
                                + " not valid (must be in range [-253-253]), ignoring");
                    } else {
                        weight = v;
                        reverse = "reverse".equals(c.arg(1));
                    }
                }
                case "vrrp" -> vrrpNamed = true;
                case "checker" -> checkerNamed = true;
                default -> {
                }
            }
        }
        at(n);
        if (neighbor == null) {
            error("Configuration error: BFD instance " + name + " has no " + neighborWord
                    + " address set, disabling instance");
            return;
        }
        if (source != null && source.family() != neighbor.family()) {
            error("Configuration error: BFD instance " + name + " source address " + source + " and "
                    + neighborWord + " address " + neighbor + " are not of the same family, disabling instance");
            return;
        }
        if (ttl == 0) {
            ttl = neighbor.isV4() ? 255 : 64;
        }
        if (maxHops > ttl) {
            error("BFD instance " + name + ": max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
            maxHops = ttl;
        }
        boolean any = vrrpNamed || checkerNamed;
        built.add(new BfdInstanceDef(name, neighbor, source, minRx, minTx, idleTx, multiplier, passive, ttl, maxHops,
                weight, reverse, !any || checkerNamed, !any || vrrpNamed));
    }

    /** Milliseconds with up to 3 decimals in [minMs, 4294967], as microseconds; {@code current} when invalid. */
    private long interval(Node c, String name, long minMs, long current) {
        String s = word(c).strip();
        Long micros = millis(s, minMs);
        if (micros != null && micros < 0) {
            return current;
        }
        if (micros == null) {
            error("Configuration error: BFD instance " + name + " " + c.name() + " value " + word(c)
                    + " is not valid (must be in range [" + minMs + "-" + INTERVAL_MAX_MS + "]), ignoring");
            return current;
        }
        return micros;
    }

    /** Microseconds; null when out of range or not a number, -1 when reported as too precise (no more said). */
    private Long millis(String s, long minMs) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        String frac = dot < 0 ? "" : s.substring(dot + 1);
        if (whole.startsWith("+")) {
            whole = whole.substring(1);
        }
        if (whole.isEmpty() && frac.isEmpty() || !(whole + frac).chars().allMatch(Character::isDigit)) {
            log.report(ProblemKind.INVALID_NUMBER, "invalid number '" + s + "'");
            return null;
        }
        if (frac.length() > 3) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' has too many decimal places");
            return -1L;
        }
        long micros;
        try {
            micros = Math.addExact(Math.multiplyExact(whole.isEmpty() ? 0 : Long.parseLong(whole), 1000L),
                    frac.isEmpty() ? 0 : Long.parseLong((frac + "000").substring(0, 3)));
        } catch (NumberFormatException | ArithmeticException e) {
            micros = Long.MAX_VALUE;
        }
        if (micros < minMs * 1000 || micros > INTERVAL_MAX_MS * 1000) {
            log.report(ProblemKind.INVALID_NUMBER, "number '" + s + "' outside range [" + minMs + ".000, "
                    + INTERVAL_MAX_MS + ".000]");
            return null;
        }
        return micros;
    }
}
