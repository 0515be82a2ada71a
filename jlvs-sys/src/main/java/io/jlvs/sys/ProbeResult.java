package io.jlvs.sys;

/**
 * Whether the packet data plane can start, and in one line why (not).
 *
 * @param ok      true when every check passed
 * @param message one line for the operator
 */
public record ProbeResult(boolean ok, String message) {

    static ProbeResult cannot(String reason) {
        return new ProbeResult(false, "packet data plane cannot start: " + reason);
    }
}
