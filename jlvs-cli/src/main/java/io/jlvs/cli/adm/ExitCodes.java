package io.jlvs.cli.adm;

/**
 * Exit statuses, as ipvsadm 1.31 produces them: its fail(2, ...) for refused command lines; -1 returned from main
 * (status 255) for popt errors, "Try ... -h", and commands the kernel refused; exit(1) for listing failures.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int REFUSED = 255;
    /** The daemon could not be reached (jlvs's own case). */
    static final int NO_DAEMON = 1;

    private ExitCodes() {
    }
}
