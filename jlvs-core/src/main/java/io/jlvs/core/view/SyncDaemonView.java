package io.jlvs.core.view;

/**
 * One connection-sync daemon (--start-daemon master|backup) as --daemon lists it.
 *
 * @param state          "master" or "backup"
 * @param mcastInterface --mcast-interface
 * @param syncId         --syncid 0..255
 * @param maxLen         --sync-maxlen, 0 = unset
 * @param group          --mcast-group, null = unset (224.0.0.81)
 * @param port           --mcast-port, 0 = unset (8848)
 * @param ttl            --mcast-ttl, 0 = unset (1)
 */
public record SyncDaemonView(String state, String mcastInterface, int syncId, int maxLen, String group,
                             int port, int ttl) {
}
