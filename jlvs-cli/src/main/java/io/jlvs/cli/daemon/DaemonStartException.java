package io.jlvs.cli.daemon;

/** The daemon cannot start; the message is the one line the user sees. */
public final class DaemonStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public DaemonStartException(String message) {
        super(message);
    }

    public DaemonStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
