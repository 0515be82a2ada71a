package io.jlvs.health;

/**
 * A checker whose attempt checks one url of several, as keepalived's HTTP_GET/SSL_GET do: which url comes next is
 * the real server's state ({@link RealServerHealth}), so one attempt fetches the url it is given.
 */
interface UrlPacedChecker extends HealthChecker {

    int urlCount();

    /** fast_recovery: the next url is checked at once while the checker is coming up. */
    boolean fastRecovery();

    /** One attempt on url {@code url} (0-based); up with that url's success line as the reason. */
    CheckOutcome check(int url);
}
