package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import java.time.Duration;
import java.util.List;

/**
 * The health of one real server of one virtual server: its checkers' states with keepalived's retry rule, and
 * whether it is alive (all checkers up) and with what weight. State is guarded by the owning
 * {@link VirtualServerHealth}'s lock.
 * <p>Retry rule: a failed attempt of an up checker is retried {@code retry} times, {@code delay_before_retry}
 * apart, before the checker counts as failed; a success resets the count; a checker already down is not retried.
 * A TCP_CHECK that is down is the exception: as keepalived's tcp_epilog it keeps the retry rhythm (retry
 * attempts delay_before_retry apart, then delay_loop).
 * The very first attempt is not retried: it fails the checker at once (keepalived starts the retry count spent).
 * With alpha the checker starts failed, so the real server starts out of the pool until a first success; a failing
 * first attempt of an alpha checker runs notify_down (except HTTP_GET/SSL_GET), as keepalived's
 * {@code update_svr_checker_state} does.
 */
public final class RealServerHealth {

    private final VirtualServerHealth owner;
    private final CheckSubject subject;
    private final int configuredWeight;
    private final boolean inhibitOnFailure;
    private final NotifyCommand notifyUp;
    private final NotifyCommand notifyDown;
    private final List<CheckerSpec> checkers;

    // guarded by owner.lock
    private final boolean[] checkerUp;
    private final boolean[] hasRun;
    private final int[] retryIt;
    private final int[] weightContribution;
    private int failedCheckers;
    private boolean alive;
    private int effectiveWeight;

    RealServerHealth(VirtualServerHealth owner, CheckSubject subject, int configuredWeight, boolean inhibitOnFailure,
                     NotifyCommand notifyUp, NotifyCommand notifyDown, List<CheckerSpec> checkers) {
        if (configuredWeight < 0 || configuredWeight > RealServer.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight out of range: " + configuredWeight);
        }
        this.owner = owner;
        this.subject = subject;
        this.configuredWeight = configuredWeight;
        this.inhibitOnFailure = inhibitOnFailure;
        this.notifyUp = notifyUp;
        this.notifyDown = notifyDown;
        this.checkers = List.copyOf(checkers);
        int n = this.checkers.size();
        this.checkerUp = new boolean[n];
        this.hasRun = new boolean[n];
        this.retryIt = new int[n];
        this.weightContribution = new int[n];
        for (int i = 0; i < n; i++) {
            // keepalived (check_data.c) starts retry_it at retry: the first attempt's failure is not retried
            retryIt[i] = this.checkers.get(i).timing().retry();
            checkerUp[i] = !this.checkers.get(i).timing().alpha();
            if (!checkerUp[i]) {
                failedCheckers++;
            }
        }
        this.alive = failedCheckers == 0;
        this.effectiveWeight = configuredWeight;
    }

    public CheckSubject subject() {
        return subject;
    }

    public IpAddress address() {
        return subject.address();
    }

    public int port() {
        return subject.port();
    }

    public List<CheckerSpec> checkers() {
        return checkers;
    }

    public int configuredWeight() {
        return configuredWeight;
    }

    public boolean isAlive() {
        owner.lock.lock();
        try {
            return alive;
        } finally {
            owner.lock.unlock();
        }
    }

    /** Checkers now failed (keepalived's {@code num_failed_checkers}). */
    public int failedCheckers() {
        owner.lock.lock();
        try {
            return failedCheckers;
        } finally {
            owner.lock.unlock();
        }
    }

    public int weight() {
        owner.lock.lock();
        try {
            return effectiveWeight;
        } finally {
            owner.lock.unlock();
        }
    }

    boolean inhibitOnFailure() {
        return inhibitOnFailure;
    }

    NotifyCommand notifyUp() {
        return notifyUp;
    }

    NotifyCommand notifyDown() {
        return notifyDown;
    }

    boolean aliveLocked() {
        return alive;
    }

    void setAliveLocked(boolean value) {
        alive = value;
    }

    int weightLocked() {
        return effectiveWeight;
    }

    /**
     * Applies one attempt's outcome of checker {@code index} and returns the delay before its next attempt.
     */
    public Duration onOutcome(int index, CheckOutcome outcome) {
        owner.lock.lock();
        try {
            return apply(index, outcome);
        } finally {
            owner.lock.unlock();
        }
    }

    private Duration apply(int i, CheckOutcome outcome) {
        CheckerSpec spec = checkers.get(i);
        CheckTiming t = spec.timing();
        CheckerKind kind = spec.checker().kind();
        CheckLog log = owner.log();
        if (outcome.up()) {
            retryIt[i] = 0;
            setContribution(i, outcome.weight().isPresent() ? outcome.weight().getAsInt() - configuredWeight
                    : outcome.weightOffset());
            if (!checkerUp[i] || !hasRun[i]) {
                log.checkerUp(kind, subject, outcome, spec.scriptName(), checkerUp[i]);
                setChecker(i, true);
            }
            hasRun[i] = true;
            return t.delayLoop();
        }
        if (!checkerUp[i] && hasRun[i] && kind == CheckerKind.TCP_CHECK) {
            return downTcpRetry(i, t);
        }
        if ((checkerUp[i] || !hasRun[i]) && retryIt[i] < t.retry()) {
            retryIt[i]++;
            if (t.logAllFailures()) {
                log.attemptFailed(kind, subject, outcome, retryIt[i], t.retry(), spec.scriptName());
            }
            hasRun[i] = true;
            return t.delayBeforeRetry();
        }
        int retriesDone = hasRun[i] ? retryIt[i] : 0;
        retryIt[i] = 0;
        if (checkerUp[i] || !hasRun[i]) {
            boolean http = kind == CheckerKind.HTTP_GET || kind == CheckerKind.SSL_GET;
            if (t.logAllFailures() && kind != CheckerKind.MISC_CHECK && kind != CheckerKind.SMTP_CHECK
                    && kind != CheckerKind.DNS_CHECK) {
                log.line(outcome.reason());
            }
            if (checkerUp[i] || !http) {
                // keepalived's HTTP checker marks itself as run before judging, so an alpha checker's first
                // failure is silent there; the other checkers log it and run notify_down
                log.checkerDown(kind, subject, outcome, retriesDone, t.retry(), spec.scriptName());
            }
            dropContribution(i);
            if (!checkerUp[i] && !http) {
                owner.initialFailureLocked(this);
            }
            setChecker(i, false);
        }
        hasRun[i] = true;
        return t.delayLoop();
    }

    /**
     * keepalived's tcp_epilog retries whatever the checker's state: a TCP_CHECK that is down is probed again
     * {@code retry} times {@code delay_before_retry} apart, then after delay_loop, and so on (silently).
     */
    private Duration downTcpRetry(int i, CheckTiming t) {
        if (retryIt[i] < t.retry()) {
            retryIt[i]++;
            return t.delayBeforeRetry();
        }
        retryIt[i] = 0;
        return t.delayLoop();
    }

    private void setContribution(int i, int value) {
        if (weightContribution[i] == value) {
            return;
        }
        weightContribution[i] = value;
        long sum = configuredWeight;
        for (int c : weightContribution) {
            sum += c;
        }
        int next = (int) Math.max(0, Math.min(RealServer.MAX_WEIGHT, sum));
        if (next != effectiveWeight) {
            int old = effectiveWeight;
            effectiveWeight = next;
            owner.weightChangedLocked(this, old, next);
        }
    }

    /**
     * A failing checker gives back its weight. MISC_CHECK does it as keepalived's {@code misc_check_child_thread}:
     * the weight is reset without a "Changing weight" line or a table edit (the server is on its way out);
     * the others through {@link #setContribution}.
     */
    private void dropContribution(int i) {
        if (checkers.get(i).checker().kind() != CheckerKind.MISC_CHECK || weightContribution[i] == 0) {
            setContribution(i, 0);
            return;
        }
        weightContribution[i] = 0;
        long sum = configuredWeight;
        for (int c : weightContribution) {
            sum += c;
        }
        effectiveWeight = (int) Math.max(0, Math.min(RealServer.MAX_WEIGHT, sum));
    }

    private void setChecker(int i, boolean up) {
        if (checkerUp[i] == up) {
            return;
        }
        checkerUp[i] = up;
        if (up) {
            failedCheckers--;
            if (failedCheckers == 0) {
                owner.realServerAliveLocked(this, true);
            }
        } else {
            failedCheckers++;
            if (failedCheckers == 1) {
                owner.realServerAliveLocked(this, false);
            }
        }
    }
}
