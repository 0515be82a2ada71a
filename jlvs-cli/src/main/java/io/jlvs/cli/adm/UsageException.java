package io.jlvs.cli.adm;

/**
 * A command line ipvsadm would refuse: the text to print on stderr (whole lines, each ending in a newline) and the
 * exit status ipvsadm uses for it (2 for its own checks, 255 for popt's errors and "Try ... -h").
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final boolean optionError;

    UsageException(int exitCode, String text) {
        this(exitCode, text, false);
    }

    private UsageException(int exitCode, String text, boolean optionError) {
        super(text, null, false, false);
        this.exitCode = exitCode;
        this.optionError = optionError;
    }

    int exitCode() {
        return exitCode;
    }

    /**
     * Whether popt refused an option (unknown, missing its argument): ipvsadm's parse_options returns then, so
     * -R goes on with the next line, where its own checks ({@link #fail}) and "Try ..." exit.
     */
    boolean optionError() {
        return optionError;
    }

    /** popt's "OPTION: error" with status 255. */
    static UsageException option(String text, String error) {
        return new UsageException(ExitCodes.REFUSED, text + ": " + error + "\n", true);
    }

    /** ipvsadm's fail(2, ...): the message and a newline. */
    static UsageException fail(String message) {
        return new UsageException(ExitCodes.USAGE, message + "\n");
    }
}
