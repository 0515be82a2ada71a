package io.jlvs.config;

/**
 * keepalived's classes of configuration error (its config_err_t), in keepalived's order. The order
 * matters: keepalived keeps the highest-numbered kind seen and derives the {@code -t} exit code from it.
 */
public enum ProblemKind {
    /** Printed, but keepalived treats the configuration as fine (e.g. a missing plain include). */
    NOTICE(Severity.INFO),
    FILE_NOT_FOUND(Severity.FATAL),
    BAD_IF(Severity.FATAL),
    FATAL(Severity.FATAL),
    MULTIPLE_FILES(Severity.WARNING),
    UNKNOWN_KEYWORD(Severity.ERROR),
    UNEXPECTED_BOB(Severity.ERROR),
    MISSING_BOB(Severity.ERROR),
    UNEXPECTED_EOB(Severity.ERROR),
    MISSING_EOB(Severity.ERROR),
    UNMATCHED_QUOTE(Severity.ERROR),
    /** keepalived stops at once with exit code 2; jlvs reports it and keeps going. */
    MISSING_PARAMETER(Severity.FATAL),
    INVALID_NUMBER(Severity.ERROR),
    GENERAL_ERROR(Severity.ERROR),
    WARNING(Severity.WARNING),
    DEPRECATED(Severity.WARNING),
    SECURITY_ERROR(Severity.ERROR);

    private final Severity severity;

    ProblemKind(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
