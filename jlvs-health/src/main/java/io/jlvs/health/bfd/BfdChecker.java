package io.jlvs.health.bfd;

import io.jlvs.health.CheckOutcome;
import io.jlvs.health.CheckSubject;
import io.jlvs.health.CheckerKind;
import io.jlvs.health.HealthChecker;
import java.time.Duration;
import java.util.Optional;

/**
 * BFD_CHECK: the real server follows a bfd_instance's session, as keepalived's checker follows the BFD process's
 * events. Only changes count: the checker starts up (down with alpha) and turns up when the session enters Up,
 * down when it leaves Up (Down, AdminDown, or Init). {@link #check()} returns at once on its first call and on a
 * change already seen, otherwise waits for the next change for at most {@code bound}: scheduled again shortly
 * after each return, it passes a change on within a scheduler hop.
 */
public final class BfdChecker implements HealthChecker {
    private final BfdSessions sessions;
    private final String name;
    private final CheckSubject subject;
    private final Duration bound;
    private boolean first = true;
    private BfdState seen;
    private boolean up;

    /** @param startDown alpha: the real server stays out until the session is first seen Up */
    public BfdChecker(BfdSessions sessions, String name, CheckSubject subject, boolean startDown, Duration bound) {
        this.sessions = sessions;
        this.name = name;
        this.subject = subject;
        this.bound = bound;
        this.up = !startDown;
    }

    public String name() {
        return name;
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.BFD_CHECK;
    }

    @Override
    public CheckOutcome check() {
        Optional<BfdState> now;
        if (first) {
            first = false;
            now = sessions.session(name).map(BfdSession::state);
            if (now.isPresent() && now.get() == BfdState.UP) {
                up = true;
                seen = BfdState.UP;
                return outcome(true);
            }
            seen = now.orElse(null);
            return up ? CheckOutcome.up("", Duration.ZERO) : CheckOutcome.down("", Duration.ZERO);
        }
        try {
            now = sessions.awaitChange(name, seen, bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return up ? CheckOutcome.up("", Duration.ZERO) : CheckOutcome.down("", Duration.ZERO);
        }
        if (now.isEmpty() || now.get() == seen) {
            return up ? CheckOutcome.up("", Duration.ZERO) : CheckOutcome.down("", Duration.ZERO);
        }
        seen = now.get();
        boolean next = seen == BfdState.UP;
        boolean changed = next != up;
        up = next;
        return changed ? outcome(up) : up ? CheckOutcome.up("", Duration.ZERO) : CheckOutcome.down("", Duration.ZERO);
    }

    private CheckOutcome outcome(boolean isUp) {
        String line = "BFD check of [" + name + "] RS(" + subject.realServerLabel() + ") is " + (isUp ? "UP" : "DOWN");
        return isUp ? CheckOutcome.up(line, Duration.ZERO) : CheckOutcome.down(line, Duration.ZERO);
    }
}
