package io.jlvs.health.bfd;

import java.util.random.RandomGenerator;

/**
 * One BFD session in asynchronous mode (RFC 5880), as a pure state machine: the caller feeds received packets
 * ({@link #receive}) and the time ({@link #tick}); packets to send go to the {@link BfdTransmit}, state changes
 * to the {@link BfdStateListener}. Times are nanoseconds of the caller's clock; nothing here reads a clock or
 * sleeps. Thread-safe: every method locks the session.
 * <ul>
 * <li>Down → Init on a received Down, Down/Init → Up on a received Init/Up, Init/Up → Down on a received Down
 * or AdminDown (diag 3) or when the detection time passes without a packet (diag 1).</li>
 * <li>Detection time = the remote's Detect Mult x max(our Required Min RX, the remote's Desired Min TX).</li>
 * <li>Transmit interval = max(our Desired Min TX, the remote's Required Min RX), less 0-25 % jitter (10-25 %
 * with a multiplier of 1); Desired Min TX is idle_tx (at least 1 s) until the session is Up, min_tx after.
 * A change of Desired Min TX runs a Poll Sequence; an increase while Up takes effect when the Final comes.</li>
 * <li>A Poll is answered at once with a Final; a state change is sent at once.</li>
 * <li>Passive: nothing is sent until the remote's discriminator is known.</li>
 * </ul>
 */
public final class BfdSession {
    /** No deadline. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final long ONE_SECOND_MICROS = 1_000_000;

    private final BfdSessionConfig config;
    private final int localDiscriminator;
    private final RandomGenerator jitter;
    private final BfdTransmit transmit;
    private final BfdStateListener listener;
    private final BfdDrops drops = new BfdDrops();

    private BfdState state = BfdState.DOWN;
    private BfdDiag diag = BfdDiag.NONE;
    private int remoteDiscriminator;
    private BfdState remoteState = BfdState.DOWN;
    private BfdDiag remoteDiag = BfdDiag.NONE;
    private long remoteMinRxMicros = 1;
    private long remoteDesiredMinTxMicros;
    private int remoteDetectMult;
    /** The Desired Min TX we advertise. */
    private long desiredMinTxMicros;
    /** The Desired Min TX our transmit interval uses (lags an increase while Up until the Final). */
    private long txInEffectMicros;
    private boolean pollPending;
    private long lastTx = NEVER;
    private long nextTx = NEVER;
    private long detectDeadline = NEVER;
    private long received;
    private long sent;
    private boolean started;

    public BfdSession(BfdSessionConfig config, int localDiscriminator, RandomGenerator jitter, BfdTransmit transmit,
                      BfdStateListener listener) {
        if (localDiscriminator == 0) {
            throw new IllegalArgumentException("the local discriminator must not be zero");
        }
        this.config = config;
        this.localDiscriminator = localDiscriminator;
        this.jitter = jitter;
        this.transmit = transmit;
        this.listener = listener;
        this.desiredMinTxMicros = idleTx();
        this.txInEffectMicros = desiredMinTxMicros;
    }

    public BfdSessionConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public int localDiscriminator() {
        return localDiscriminator;
    }

    public synchronized int remoteDiscriminator() {
        return remoteDiscriminator;
    }

    public synchronized BfdState state() {
        return state;
    }

    public synchronized BfdState remoteState() {
        return remoteState;
    }

    /** The diagnostic in the remote's last packet. */
    public synchronized BfdDiag remoteDiag() {
        return remoteDiag;
    }

    /** The diagnostic of the last change to Down (NONE once Up again). */
    public synchronized BfdDiag diag() {
        return diag;
    }

    public synchronized boolean pollPending() {
        return pollPending;
    }

    public synchronized long packetsReceived() {
        return received;
    }

    public synchronized long packetsSent() {
        return sent;
    }

    public BfdDrops drops() {
        return drops;
    }

    /** The advertised Desired Min TX, microseconds. */
    public synchronized long desiredMinTxMicros() {
        return desiredMinTxMicros;
    }

    /** The interval between periodic packets before jitter, microseconds (0: not sending). */
    public synchronized long transmitIntervalMicros() {
        return remoteMinRxMicros == 0 ? 0 : Math.max(txInEffectMicros, remoteMinRxMicros);
    }

    /** The detection time, microseconds (0 before the first packet from the remote). */
    public synchronized long detectionTimeMicros() {
        return remoteDetectMult == 0 ? 0 : remoteDetectMult * Math.max(config.minRxMicros(), remoteDesiredMinTxMicros);
    }

    /** Starts the session at {@code now}: Down, and (unless passive) sending at once. Returns the next deadline. */
    public synchronized long start(long now) {
        if (!started) {
            started = true;
            if (!config.passive()) {
                nextTx = now;
            }
        }
        return tick(now);
    }

    /** Fires what is due at {@code now} (detection timeout, periodic packet); returns the next deadline or NEVER. */
    public synchronized long tick(long now) {
        if (detectDeadline != NEVER && now - detectDeadline >= 0) {
            detectDeadline = NEVER;
            if (state == BfdState.INIT || state == BfdState.UP) {
                change(BfdState.DOWN, BfdDiag.CONTROL_DETECTION_TIME_EXPIRED, now);
            } else if (state == BfdState.DOWN) {
                // RFC 5880 6.8.1: a detection time in Down without a packet forgets the remote.
                remoteDiscriminator = 0;
                remoteState = BfdState.DOWN;
                remoteMinRxMicros = 1;
                remoteDetectMult = 0;
                if (config.passive()) {
                    nextTx = NEVER;
                }
            }
        }
        if (nextTx != NEVER && now - nextTx >= 0) {
            if (mayTransmit()) {
                send(pollPending, false, now);
                scheduleNext(now);
            } else {
                nextTx = NEVER;
            }
        }
        return nextDeadline();
    }

    public synchronized long nextDeadline() {
        return Math.min(nextTx, detectDeadline);
    }

    /**
     * Applies a received packet (already decoded by {@link BfdPacket#decode}) with the rest of RFC 5880 6.8.6.
     *
     * @param ttl the received TTL / hop limit, or -1 when the transport cannot tell
     * @throws BfdDropException the packet was discarded (and counted)
     */
    public synchronized void receive(BfdPacket p, int ttl, long now) throws BfdDropException {
        if (ttl >= 0 && ttl < config.minReceivedTtl()) {
            throw drop(BfdDropReason.TTL);
        }
        if (p.yourDiscriminator() != 0 && p.yourDiscriminator() != localDiscriminator) {
            throw drop(BfdDropReason.UNKNOWN_YOUR_DISCRIMINATOR);
        }
        if (p.yourDiscriminator() == 0 && p.state() != BfdState.DOWN && p.state() != BfdState.ADMIN_DOWN) {
            throw drop(BfdDropReason.ZERO_YOUR_DISCRIMINATOR);
        }
        if (p.authentication()) {
            throw drop(BfdDropReason.AUTHENTICATION);
        }
        received++;
        boolean wasKnown = remoteDiscriminator != 0;
        remoteDiscriminator = p.myDiscriminator();
        remoteState = p.state();
        remoteDiag = p.diag();
        remoteDetectMult = p.detectMult();
        remoteDesiredMinTxMicros = p.desiredMinTxMicros();
        long oldInterval = transmitIntervalMicros();
        remoteMinRxMicros = p.requiredMinRxMicros();
        if (p.fin() && pollPending) {
            pollPending = false;
            txInEffectMicros = desiredMinTxMicros;
        }
        detectDeadline = now + detectionTimeMicros() * 1000;
        long interval = transmitIntervalMicros();
        if (interval == 0) {
            nextTx = NEVER;
        } else if (config.passive() && !wasKnown || nextTx == NEVER) {
            nextTx = now;
        } else if (interval < oldInterval && lastTx != NEVER) {
            nextTx = Math.min(nextTx, lastTx + interval * 1000);
        }
        if (state != BfdState.ADMIN_DOWN) {
            if (p.state() == BfdState.ADMIN_DOWN) {
                if (state != BfdState.DOWN) {
                    change(BfdState.DOWN, BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN, now);
                }
            } else if (state == BfdState.DOWN) {
                if (p.state() == BfdState.DOWN) {
                    change(BfdState.INIT, diag, now);
                } else if (p.state() == BfdState.INIT) {
                    change(BfdState.UP, BfdDiag.NONE, now);
                }
            } else if (state == BfdState.INIT) {
                if (p.state() == BfdState.INIT || p.state() == BfdState.UP) {
                    change(BfdState.UP, BfdDiag.NONE, now);
                }
            } else if (p.state() == BfdState.DOWN) {
                change(BfdState.DOWN, BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN, now);
            }
        }
        if (p.poll()) {
            send(false, true, now);
        }
    }

    /** Takes the session administratively down (AdminDown, diag 7, sent once) or back to Down. */
    public synchronized void adminDown(boolean down, long now) {
        if (down && state != BfdState.ADMIN_DOWN) {
            change(BfdState.ADMIN_DOWN, BfdDiag.ADMINISTRATIVELY_DOWN, now);
            detectDeadline = NEVER;
        } else if (!down && state == BfdState.ADMIN_DOWN) {
            change(BfdState.DOWN, BfdDiag.ADMINISTRATIVELY_DOWN, now);
            if (!config.passive() || remoteDiscriminator != 0) {
                nextTx = now;
            }
        }
    }

    private boolean mayTransmit() {
        if (config.passive() && remoteDiscriminator == 0) {
            return false;
        }
        return remoteMinRxMicros != 0;
    }

    private void scheduleNext(long now) {
        long interval = transmitIntervalMicros();
        if (interval == 0) {
            nextTx = NEVER;
            return;
        }
        int low = 75;
        int high = config.multiplier() == 1 ? 90 : 100;
        long pct = low + jitter.nextInt(high - low + 1);
        nextTx = now + interval * 1000 * pct / 100;
    }

    private void change(BfdState to, BfdDiag why, long now) {
        BfdState from = state;
        state = to;
        diag = why;
        long desired = to == BfdState.UP ? config.minTxMicros() : idleTx();
        if (desired != desiredMinTxMicros) {
            boolean increaseWhileUp = desired > desiredMinTxMicros && from == BfdState.UP && to == BfdState.UP;
            desiredMinTxMicros = desired;
            if (!increaseWhileUp) {
                txInEffectMicros = desired;
            }
            pollPending = remoteDiscriminator != 0 && to != BfdState.ADMIN_DOWN;
        }
        if (to == BfdState.ADMIN_DOWN || mayTransmit()) {
            send(pollPending && to != BfdState.ADMIN_DOWN, false, now);
            scheduleNext(now);
        }
        if (to == BfdState.ADMIN_DOWN) {
            nextTx = NEVER;
        }
        listener.stateChanged(this, from, to, why);
    }

    private long idleTx() {
        return Math.max(Math.max(config.idleTxMicros(), config.minTxMicros()), ONE_SECOND_MICROS);
    }

    private void send(boolean poll, boolean fin, long now) {
        sent++;
        if (!fin) {
            lastTx = now;
        }
        transmit.send(this, BfdPacket.control(diag, state, poll, fin, config.multiplier(), localDiscriminator,
                remoteDiscriminator, desiredMinTxMicros, config.minRxMicros()));
    }

    private BfdDropException drop(BfdDropReason reason) {
        drops.count(reason);
        return new BfdDropException(reason);
    }

    @Override
    public synchronized String toString() {
        return "BFD instance " + config.name() + " " + state + " (local " + Integer.toUnsignedString(localDiscriminator)
                + ", remote " + Integer.toUnsignedString(remoteDiscriminator) + ")";
    }
}
