package io.jlvs.vrrp.runtime;

/**
 * A checked object's up/down state with keepalived's rise/fall hysteresis: it goes up after {@code rise}
 * consecutive successes and down after {@code fall} consecutive failures. Not thread-safe.
 */
public final class RiseFall {
    private final int rise;
    private final int fall;
    private boolean up;
    private int streak;

    public RiseFall(int rise, int fall, boolean initiallyUp) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1");
        }
        this.rise = rise;
        this.fall = fall;
        this.up = initiallyUp;
    }

    /** Records one result; returns true when the state flipped. */
    public boolean record(boolean success) {
        if (success == up) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (up ? fall : rise)) {
            up = !up;
            streak = 0;
            return true;
        }
        return false;
    }

    public boolean up() {
        return up;
    }
}
