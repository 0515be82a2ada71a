package io.jlvs.health;

/**
 * A virtual server's quorum: the minimum total weight of live real servers (default 1), the hysteresis band
 * (default 0), and the scripts run once per crossing. Quorum and hysteresis are keepalived's unsigned 32-bit
 * numbers (0..4294967295): with weights to INT_MAX the live weight can pass INT_MAX.
 */
public record QuorumSettings(long quorum, long hysteresis, NotifyCommand quorumUp, NotifyCommand quorumDown) {

    public static final long MAX = 0xffff_ffffL;
    public static final QuorumSettings DEFAULT = new QuorumSettings(1, 0, null, null);

    public QuorumSettings {
        if (quorum < 0 || hysteresis < 0 || quorum > MAX || hysteresis > MAX) {
            throw new IllegalArgumentException("quorum and hysteresis must be 0..4294967295");
        }
    }
}
