package io.jlvs.config.model;

import io.jlvs.core.view.Timeouts;
import java.time.Duration;
import java.util.List;

/**
 * global_defs. The fields jlvs acts on are typed; {@code settings} keeps every line in order.
 *
 * @param smtpConnectTimeout null when not set (keepalived's default is 30 s)
 * @param vrrpVersion        2 or 3; 2 when not set
 * @param lvsSyncDaemon      lvs_sync_daemon, null when not set (or refused)
 * @param lvsTimeouts        lvs_timeouts as ipvsadm --set takes them (0: leave as is), null when not set
 * @param checkerLogAllFailures checker_log_all_failures: every checker logs every failed attempt, as if each had
 *                              its own log_all_failures
 * @param rsInitNotifies     rs_init_notifies: notify_up runs for each real server that enters the pool when it is
 *                           first configured (at start, or new in a reload)
 */
public record GlobalDefs(
        String routerId,
        List<String> notificationEmail,
        String notificationEmailFrom,
        String smtpServer,
        Duration smtpConnectTimeout,
        boolean enableScriptSecurity,
        String scriptUser,
        int vrrpVersion,
        boolean lvsFlush,
        List<Setting> settings,
        LvsSyncDaemonDef lvsSyncDaemon,
        Timeouts lvsTimeouts,
        boolean checkerLogAllFailures,
        boolean rsInitNotifies) {

    public GlobalDefs {
        notificationEmail = List.copyOf(notificationEmail);
        settings = List.copyOf(settings);
    }

    public static GlobalDefs empty() {
        return new GlobalDefs(null, List.of(), null, null, null, false, null, 2, false, List.of(), null, null, false,
                false);
    }
}
