package io.jlvs.config.model;

import io.jlvs.core.IpAddress;

/**
 * global_defs {@code lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]}: the IPVS
 * connection-sync daemons keepalived runs. With an instance, the master daemon runs while that instance is
 * MASTER and the backup daemon otherwise; without one, both run all the time.
 *
 * @param iface        the sync daemons' multicast interface
 * @param vrrpInstance the vrrp_instance the daemons follow, null = none (both daemons run)
 * @param syncId       0..255, null when not given (keepalived then uses the instance's virtual_router_id, or 0)
 * @param maxLen       1..65507, 0 = not given (the kernel's default)
 * @param port         1..65535, 0 = not given (8848)
 * @param ttl          1..255, 0 = not given (1)
 * @param group        a multicast group, null = not given (224.0.0.81)
 */
public record LvsSyncDaemonDef(String iface, String vrrpInstance, Integer syncId, int maxLen, int port, int ttl,
                               IpAddress group) {
}
