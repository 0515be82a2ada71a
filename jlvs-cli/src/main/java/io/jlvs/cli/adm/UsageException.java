package io.jlvs.cli.adm;

/**
 * A command line ipvsadm would refuse: the text to print on stderr (whole lines, each ending in a newline) and the
 * exit status ipvsadm uses for it (2 for its own checks, 255 for popt's errors and "Try ... -h").
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    UsageException(int exitCode, String text) {
        super(text, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** ipvsadm's fail(2, ...): the message and a newline. */
    static UsageException fail(String message) {
        return new UsageException(ExitCodes.USAGE, message + "\n");
    }
}
