package io.jlvs.config;

import io.jlvs.config.model.Setting;
import io.jlvs.core.IpAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code vrrp_strict} / {@code strict_mode} rules keepalived 2.2.7 applies when it completes a vrrp_instance:
 * each one it reports as a configuration error (so {@code keepalived -t} fails) while it adjusts the value.
 * Unicast peers with strict mode are not reported here: keepalived only refuses them once it knows the interface
 * supports multicast, which {@code -t} does not look at (the runtime refuses them).
 */
final class VrrpStrictCheck {
    /** keepalived's default number of adverts in the master-down interval. */
    static final int DOWN_TIMER_ADVERTS = 3;

    private VrrpStrictCheck() {
    }

    /**
     * Whether the instance runs in strict mode: its own {@code strict_mode [on|off]} if given, else the global
     * {@code vrrp_strict}.
     */
    static boolean strict(List<Setting> settings, boolean globalStrict) {
        Boolean own = null;
        for (Setting s : settings) {
            if (s.keyword().equals("strict_mode")) {
                Boolean b = s.args().isEmpty() ? Boolean.TRUE : trueFalse(s.args().getFirst());
                own = b == null ? own : b;
            }
        }
        return own != null ? own : globalStrict;
    }

    /** keepalived's on/off words; null when it is neither. */
    static Boolean trueFalse(String word) {
        return switch (word) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * Reports, through {@code error}, what strict mode changes in one instance.
     *
     * @param state         MASTER, BACKUP or null when not set
     * @param priority      the effective priority (255 for an address owner)
     * @param version       the instance's VRRP version as keepalived will run it
     * @param firstVip      the first virtual address, or null
     */
    static void check(String name, List<Setting> settings, String state, int priority, int version,
                      IpAddress firstVip, boolean unicast, Consumer<String> error) {
        String p = "(" + name + ") ";
        if (state != null && state.equals("MASTER") != (priority == 255)) {
            error.accept(p + "State MASTER must match being address owner");
        }
        if (firstVip != null && !firstVip.isV4() && !unicast && !linkLocal(firstVip)) {
            error.accept(p + "the first IPv6 VIP address must be link local");
        }
        Boolean accept = null;
        boolean vmac = false;
        for (Setting s : settings) {
            List<String> a = s.args();
            switch (s.keyword()) {
                case "use_vmac" -> {
                    vmac = true;
                    if (a.stream().anyMatch(VrrpStrictCheck::mac)) {
                        error.accept("(" + name + "): cannot specify MAC address with strict mode - clearing");
                    }
                }
                case "vmac_xmit_base" -> {
                    if (vmac) {
                        error.accept(p + "xmit_base is incompatible with strict mode - resetting");
                    }
                }
                case "preempt_delay" -> {
                    if (!a.isEmpty() && !zero(a.getFirst()) && !"MASTER".equals(state)) {
                        error.accept(p + "preempt_delay is incompatible with strict mode - resetting");
                    }
                }
                case "down_timer_adverts" -> {
                    if (!a.isEmpty() && !a.getFirst().equals(Integer.toString(DOWN_TIMER_ADVERTS))
                            && validCount(a.getFirst(), 1, 100)) {
                        error.accept(p + "down_timer_adverts is incompatible with strict mode - resetting");
                    }
                }
                case "accept" -> accept = Boolean.TRUE;
                case "no_accept" -> accept = Boolean.FALSE;
                default -> {
                }
            }
        }
        if (Boolean.TRUE.equals(accept) && priority != 255 && version == 2) {
            error.accept(p + "warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting");
        }
        Long rep = last(settings, "garp_lower_prio_repeat");
        if (rep != null && rep > 0) {
            error.accept(p + "Strict mode requires no repeat garps. resetting");
        }
        Long delay = last(settings, "garp_lower_prio_delay");
        if (delay != null && delay > 0) {
            error.accept(p + "Strict mode requires no repeat garp delay. resetting");
        }
        if (Boolean.FALSE.equals(lastFlag(settings, "lower_prio_no_advert"))) {
            error.accept(p + "Strict mode requires no lower priority advert. resetting");
        }
        if (Boolean.TRUE.equals(lastFlag(settings, "higher_prio_send_advert"))) {
            error.accept(p + "strict mode requires higher_prio_send_advert to be clear. resetting");
        }
    }

    /** The last valid unsigned value of a keyword, or null. */
    private static Long last(List<Setting> settings, String keyword) {
        Long out = null;
        for (Setting s : settings) {
            if (s.keyword().equals(keyword) && !s.args().isEmpty()) {
                try {
                    long v = Long.parseLong(s.args().getFirst());
                    if (v >= 0) {
                        out = v;
                    }
                } catch (NumberFormatException e) {
                    // keepalived ignores an invalid value (and reports it elsewhere)
                }
            }
        }
        return out;
    }

    /** The last setting of a keyword that takes an optional on/off word (none = on), or null when not set. */
    static Boolean lastFlag(List<Setting> settings, String keyword) {
        Boolean out = null;
        for (Setting s : settings) {
            if (s.keyword().equals(keyword)) {
                Boolean b = s.args().isEmpty() ? Boolean.TRUE : trueFalse(s.args().getFirst());
                out = b == null ? out : b;
            }
        }
        return out;
    }

    private static boolean zero(String word) {
        try {
            return Double.parseDouble(word) == 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static boolean validCount(String word, int min, int max) {
        try {
            int v = Integer.parseInt(word);
            return v >= min && v <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean mac(String word) {
        return word.matches("(?i)[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}");
    }

    private static boolean linkLocal(IpAddress a) {
        return (a.hi() >>> 54) == (0xfe80L >>> 6);
    }
}
