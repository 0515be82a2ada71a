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
    private final int[] urlIt; // HTTP_GET/SSL_GET: the url the next attempt fetches
    private final int[] failedUrl; // HTTP_GET/SSL_GET: the url that failed the checker, -1 when none
    private int failedCheckers;
    private boolean alive;
    private int effectiveWeight;

    RealServerHealth(VirtualServerHealth owner, CheckSubject subject, int configuredWeight, boolean inhibitOnFailure,
                     NotifyCommand notifyUp, NotifyCommand notifyDown, List<CheckerSpec> checkers) {
        if (configuredWeight < 0) {
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
        this.urlIt = new int[n];
        this.failedUrl = new int[n];
        java.util.Arrays.fill(failedUrl, -1);
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

    /** Makes one attempt of checker {@code index}: for HTTP_GET/SSL_GET, on the url its state says is next. */
    public CheckOutcome attempt(int index) {
        HealthChecker checker = checkers.get(index).checker();
        if (checker instanceof UrlPacedChecker paced) {
            int url;
            owner.lock.lock();
            try {
                url = urlIt[index];
            } finally {
                owner.lock.unlock();
            }
            return paced.check(url);
        }
        return checker.check();
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
        outcome.note().lines().forEach(log::line);
        if (kind == CheckerKind.HTTP_GET || kind == CheckerKind.SSL_GET) {
            return applyHttp(i, outcome, t, kind, log);
        }
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
            if (t.logAllFailures() && kind != CheckerKind.MISC_CHECK && kind != CheckerKind.SMTP_CHECK
                    && kind != CheckerKind.DNS_CHECK) {
                log.line(outcome.reason());
            }
            log.checkerDown(kind, subject, outcome, retriesDone, t.retry(), spec.scriptName());
            dropContribution(i);
            if (!checkerUp[i]) {
                owner.initialFailureLocked(this);
            }
            setChecker(i, false);
        }
        hasRun[i] = true;
        return t.delayLoop();
    }

    /**
     * HTTP_GET/SSL_GET as keepalived's check_http.c {@code epilog}/{@code timeout_epilog}: one url per attempt, the
     * next one a delay_loop after a success, so a pass over n urls takes n delay_loops; the checker comes up at the
     * end of a pass without failure. A failure of an up checker is retried on the same url (delay_before_retry)
     * and, past {@code retry}, fails the checker and marks that url failed; a down checker tries it again every
     * max(delay_loop, delay_before_retry) and, once it passes, starts a whole new pass from the first url. "Has
     * run" is keepalived's: set by a complete pass or a failure. An alpha checker's first failure is silent (it
     * has not run and is not up). With fast_recovery the next url follows at once while the checker has not run,
     * or is down with no failed url pending.
     */
    private Duration applyHttp(int i, CheckOutcome outcome, CheckTiming t, CheckerKind kind, CheckLog log) {
        int urls = checkers.get(i).checker() instanceof UrlPacedChecker p ? p.urlCount() : 1;
        boolean fast = checkers.get(i).checker() instanceof UrlPacedChecker p && p.fastRecovery();
        if (outcome.up()) {
            if (!checkerUp[i]) {
                outcome.reason().lines().forEach(log::line);
            }
            urlIt[i]++;
            retryIt[i] = 0;
            if (urlIt[i] >= urls && failedUrl[i] < 0) {
                if (!checkerUp[i] || !hasRun[i]) {
                    log.httpServerUp(subject);
                    setChecker(i, true);
                    hasRun[i] = true;
                }
                urlIt[i] = 0;
            } else if (failedUrl[i] >= 0) {
                // the failed url passes: check them all again from the first
                failedUrl[i] = -1;
                urlIt[i] = 0;
            }
            if (!hasRun[i]) {
                retryIt[i] = t.retry();
            }
            return fast && (!hasRun[i] || !checkerUp[i] && failedUrl[i] < 0) ? Duration.ZERO : t.delayLoop();
        }
        if (checkerUp[i] || !hasRun[i]) {
            if (t.logAllFailures()) {
                log.line(outcome.reason());
            }
            hasRun[i] = true;
            retryIt[i]++;
            if (retryIt[i] > t.retry()) {
                if (checkerUp[i]) {
                    log.checkerDown(kind, subject, outcome, t.retry(), t.retry(), "");
                    setChecker(i, false);
                }
                failedUrl[i] = urlIt[i];
            }
        }
        // keepalived would try again at once with fast_recovery when down with no failed url pending (a
        // busy loop while the url keeps failing); jlvs waits delay_before_retry, its delay without fast_recovery
        return failedUrl[i] >= 0 ? max(t.delayBeforeRetry(), t.delayLoop()) : t.delayBeforeRetry();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
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
        int next = effectiveWeightLocked();
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
        effectiveWeight = effectiveWeightLocked();
    }

    /**
     * The configured weight plus every checker's contribution, summed in 64 bits and clamped to 0..INT_MAX as
     * keepalived's {@code real_weight} clamps its 64-bit effective weight.
     */
    private int effectiveWeightLocked() {
        long sum = configuredWeight;
        for (int c : weightContribution) {
            sum += c;
        }
        return (int) Math.clamp(sum, 0, RealServer.MAX_WEIGHT);
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
