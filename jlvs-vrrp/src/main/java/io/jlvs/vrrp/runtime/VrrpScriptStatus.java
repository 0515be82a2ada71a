package io.jlvs.vrrp.runtime;

/**
 * One {@code vrrp_script} as a running router sees it (keepalived's dump shows the same two facts as
 * {@code Status = GOOD|BAD} and {@code State = idle|running}).
 *
 * @param good    true while the script counts as up (after {@code rise} successes; false after {@code fall} failures)
 * @param running true while an attempt is in progress
 */
public record VrrpScriptStatus(String name, boolean good, boolean running) {
}
