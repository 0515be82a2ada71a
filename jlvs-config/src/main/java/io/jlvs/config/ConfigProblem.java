package io.jlvs.config;

/**
 * One problem found in a configuration.
 *
 * @param file    the file it was found in, or null when it concerns the configuration as a whole
 * @param line    1-based line number, 0 when not tied to a line
 * @param keyword the keyword being parsed, or null
 * @param message keepalived-style message text without the location prefix
 */
public record ConfigProblem(Severity severity, ProblemKind kind, String file, int line, String keyword, String message) {

    /** As keepalived prints it: {@code (FILE: Line N) message}, {@code (Line N) message} or the bare message. */
    public String format(boolean withFileName) {
        if (line <= 0) {
            return message;
        }
        if (withFileName && file != null) {
            return "(" + file + ": Line " + line + ") " + message;
        }
        return "(Line " + line + ") " + message;
    }
}
