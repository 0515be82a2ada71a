package io.jlvs.cli.dump;

import io.jlvs.admin.VrrpInstanceView;

/**
 * One running vrrp_instance as the dumps show it.
 *
 * @param view     its status, counters and VIPs
 * @param authPass its VRRPv2 {@code auth_pass}, or null; the dumps only say that one is set, never what it is
 */
public record VrrpDumpInstance(VrrpInstanceView view, String authPass) {
}
