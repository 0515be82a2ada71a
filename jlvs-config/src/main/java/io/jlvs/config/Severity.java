package io.jlvs.config;

/** How bad a configuration problem is. INFO is printed but does not fail {@code jlvs -t}. */
public enum Severity {
    INFO,
    WARNING,
    ERROR,
    FATAL
}
