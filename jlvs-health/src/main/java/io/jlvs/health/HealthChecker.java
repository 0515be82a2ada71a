package io.jlvs.health;

/**
 * One health checker of one real server. {@link #check()} makes exactly one attempt, blocking, and returns
 * within the checker's own bound (connect_timeout for network checkers, misc_timeout for MISC_CHECK).
 * It never throws for a failing server: failures are outcomes. Implementations are safe to call from
 * one thread at a time (the scheduler never overlaps attempts of one checker).
 */
public interface HealthChecker {

    CheckerKind kind();

    CheckOutcome check();
}
