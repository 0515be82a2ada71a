package io.jlvs.health;

/**
 * A virtual server's quorum: the minimum total weight of live real servers (default 1), the hysteresis band
 * (default 0), and the scripts run once per crossing.
 */
public record QuorumSettings(int quorum, int hysteresis, NotifyCommand quorumUp, NotifyCommand quorumDown) {

    public static final QuorumSettings DEFAULT = new QuorumSettings(1, 0, null, null);

    public QuorumSettings {
        if (quorum < 0 || hysteresis < 0) {
            throw new IllegalArgumentException("quorum and hysteresis must not be negative");
        }
    }
}
