package io.jlvs.vrrp.settings;

import io.jlvs.core.IpAddress;

/**
 * One {@code virtual_rules} line, added while MASTER: {@code [from A[/N]] [to B[/N]] [iif IF] [oif IF]
 * [fwmark M[/MASK]] [priority P] table T}.
 *
 * @param from     source prefix, or null for any
 * @param to       destination prefix, or null for any
 * @param priority -1 for the kernel's choice
 * @param fwmark   -1 for none
 * @param fwmask   -1 for none
 */
public record VirtualRule(IpAddress from, int fromLength, IpAddress to, int toLength, String iif, String oif,
                          long fwmark, long fwmask, int priority, int table) {

    public VirtualRule {
        if ((from != null && !from.isV4()) || (to != null && !to.isV4())) {
            throw new IllegalArgumentException("only IPv4 rules are supported");
        }
        if (table <= 0) {
            throw new IllegalArgumentException("a rule needs a table");
        }
    }

    /** As {@code ip rule} would write it. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (priority >= 0) {
            b.append(priority).append(": ");
        }
        b.append("from ")
                .append(from == null ? "all" : from.mask(fromLength) + (fromLength == 32 ? "" : "/" + fromLength));
        if (to != null) {
            b.append(" to ").append(to.mask(toLength)).append(toLength == 32 ? "" : "/" + toLength);
        }
        if (fwmark >= 0) {
            b.append(" fwmark 0x").append(Long.toHexString(fwmark));
            if (fwmask >= 0) {
                b.append("/0x").append(Long.toHexString(fwmask));
            }
        }
        if (iif != null) {
            b.append(" iif ").append(iif);
        }
        if (oif != null) {
            b.append(" oif ").append(oif);
        }
        return b.append(" lookup ").append(table).toString();
    }
}
