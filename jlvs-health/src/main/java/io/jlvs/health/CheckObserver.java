package io.jlvs.health;

/** Told about every check attempt, for metrics. Called on the checker's thread; must be quick and not throw. */
@FunctionalInterface
public interface CheckObserver {
    CheckObserver NONE = (rs, index, kind, outcome) -> { };

    void attempted(RealServerHealth realServer, int checkerIndex, CheckerKind kind, CheckOutcome outcome);
}
