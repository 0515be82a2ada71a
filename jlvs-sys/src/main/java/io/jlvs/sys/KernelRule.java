package io.jlvs.sys;

import io.jlvs.core.IpAddress;

/**
 * One IPv4 policy routing rule as rtnetlink adds or deletes it ({@code ip rule add [from A/N] [to B/N]
 * [iif IF] [oif IF] [fwmark M[/MASK]] [priority P] table T}).
 *
 * @param from     source prefix, or null for any
 * @param to       destination prefix, or null for any
 * @param priority -1 to let the kernel choose
 * @param fwmark   -1 for none
 * @param fwmask   -1 for none (the kernel's default, all bits)
 * @param iif      input interface name, or null
 * @param oif      output interface name, or null
 * @param table    the table to look up (1..2^32-1)
 */
public record KernelRule(IpAddress from, int fromLength, IpAddress to, int toLength, int priority, long fwmark,
                         long fwmask, String iif, String oif, int table) {
    public KernelRule {
        if ((from != null && !from.isV4()) || (to != null && !to.isV4())) {
            throw new IllegalArgumentException("IPv4 rule expected");
        }
        if (fromLength < 0 || fromLength > 32 || toLength < 0 || toLength > 32) {
            throw new IllegalArgumentException("prefix length 0..32 expected");
        }
        if (table == 0) {
            throw new IllegalArgumentException("a rule needs a table");
        }
    }
}
