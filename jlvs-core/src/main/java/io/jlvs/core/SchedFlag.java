package io.jlvs.core;

/** Scheduler flags (-b), spelled as ipvsadm spells them. */
public enum SchedFlag {
    SH_FALLBACK("sh-fallback", 1),
    SH_PORT("sh-port", 2),
    MH_FALLBACK("mh-fallback", 1),
    MH_PORT("mh-port", 2),
    FLAG_1("flag-1", 1),
    FLAG_2("flag-2", 2),
    FLAG_3("flag-3", 4);

    private final String spelling;
    private final int bit;

    SchedFlag(String spelling, int bit) {
        this.spelling = spelling;
        this.bit = bit;
    }

    public String spelling() {
        return spelling;
    }

    /** The kernel's IP_VS_SVC_F_SCHED1..3 bit this flag maps to (sh-fallback == mh-fallback == flag-1). */
    public int bit() {
        return bit;
    }

    public static SchedFlag parse(String s) {
        for (SchedFlag f : values()) {
            if (f.spelling.equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown scheduler flag '" + s + "'");
    }
}
