package io.jlvs.config;

import io.jlvs.config.model.LvsSyncDaemonDef;
import io.jlvs.core.IpAddress;
import java.util.List;

/**
 * global_defs {@code lvs_sync_daemon}: its words read as keepalived 2.2.7 reads them, option by option, each bad
 * value reported in keepalived's words and left unset; the older {@code IF VI SYNCID} form is still understood.
 */
final class LvsSyncDaemonParser {
    /** The kernel's IP_VS_IFNAME_MAXLEN: an interface name must be shorter. */
    private static final int IFNAME_MAXLEN = 16;
    /** The largest UDP payload in an IPv4 datagram. */
    private static final int MAX_SYNC_MAXLEN = 65_535 - 20 - 8;

    private final ProblemLog log;
    private final Values values;

    LvsSyncDaemonParser(ProblemLog log, Values values) {
        this.log = log;
        this.values = values;
    }

    /** The daemons' settings, or null when the line is refused; {@code previous} is an earlier line's result. */
    LvsSyncDaemonDef parse(List<String> args, LvsSyncDaemonDef previous) {
        if (previous != null) {
            error("lvs_sync_daemon has already been specified as " + previous.iface() + " "
                    + (previous.vrrpInstance() == null ? "" : previous.vrrpInstance()) + " - ignoring");
            return null;
        }
        if (args.isEmpty()) {
            error("lvs_sync_daemon requires interface");
            return null;
        }
        String iface = args.getFirst();
        if (iface.length() >= IFNAME_MAXLEN) {
            error("lvs_sync_daemon interface name '" + iface + "' too long - ignoring");
            return null;
        }
        String instance = null;
        Integer syncId = null;
        int maxLen = 0;
        int port = 0;
        int ttl = 0;
        IpAddress group = null;
        for (int i = 1; i < args.size(); i++) {
            String option = args.get(i);
            boolean last = i == args.size() - 1;
            String value = last ? null : args.get(i + 1);
            switch (option) {
                case "inst" -> {
                    if (last) {
                        log.report(ProblemKind.MISSING_PARAMETER, "*** Configuration line starting `lvs_sync_daemon`"
                                + " is missing a parameter after keyword `inst` at word position " + (args.size() + 2));
                        return null;
                    }
                    if (instance != null) {
                        error("lvs_sync_daemon vrrp instance has already been specified as " + instance
                                + " - ignoring");
                    } else {
                        instance = value;
                    }
                    i++;
                }
                case "id" -> {
                    if (last) {
                        error("No value specified for lvs_sync_daemon id, defaulting to vrid");
                    } else {
                        Long v = values.unsigned(value, 0, 255);
                        if (v == null) {
                            error("Invalid syncid (" + value + ") - defaulting to vrid");
                        } else {
                            syncId = v.intValue();
                        }
                        i++;
                    }
                }
                case "maxlen" -> {
                    maxLen = number(option, value, MAX_SYNC_MAXLEN, maxLen);
                    i += last ? 0 : 1;
                }
                case "port" -> {
                    port = number(option, value, 65_535, port);
                    i += last ? 0 : 1;
                }
                case "ttl" -> {
                    ttl = number(option, value, 255, ttl);
                    i += last ? 0 : 1;
                }
                case "group" -> {
                    if (last) {
                        error("No value specified for lvs_sync_daemon group - ignoring");
                    } else {
                        IpAddress g = Values.ip(value);
                        if (g == null) {
                            error("Invalid lvs_sync_daemon group (" + value + ") - ignoring");
                        } else if (!multicast(g)) {
                            error("lvs_sync_daemon group address " + value + " is not multicast - ignoring");
                        } else {
                            group = g;
                        }
                        i++;
                    }
                }
                default -> {
                    if (i == 1) {
                        instance = option;
                    } else if (i == 2) {
                        Long v = values.unsigned(option, 0, 255);
                        if (v == null) {
                            error("Invalid syncid (" + option + ") - defaulting to vrid");
                        } else {
                            error("Please use keyword \"id\" before lvs_sync_daemon SYNCID");
                            syncId = v.intValue();
                        }
                    } else {
                        error("Unknown option " + option + " specified for lvs_sync_daemon");
                    }
                }
            }
        }
        return new LvsSyncDaemonDef(iface, instance, syncId, maxLen, port, ttl, group);
    }

    /** maxlen, port or ttl in [1, max]; a missing or bad value leaves {@code current}. */
    private int number(String option, String value, int max, int current) {
        if (value == null) {
            error("No value specified for lvs_sync_daemon " + option + " - ignoring");
            return current;
        }
        Long v = values.unsigned(value, 1, max);
        if (v == null) {
            error("Invalid lvs_sync_daemon " + option + " (" + value + ") - ignoring");
            return current;
        }
        return v.intValue();
    }

    private static boolean multicast(IpAddress a) {
        return a.isV4() ? (a.v4() >>> 28) == 0xE : (a.hi() >>> 56) == 0xFF;
    }

    private void error(String message) {
        log.report(ProblemKind.GENERAL_ERROR, message);
    }
}
