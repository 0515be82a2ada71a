package io.jlvs.engine.keepalived;

/**
 * Where the keepalived runtime reports what users should see besides the log: checker transitions
 * (keepalived's wording), reloads, and configuration problems. The daemon sends them to its status page.
 */
public interface KeepalivedEvents {

    KeepalivedEvents NONE = new KeepalivedEvents() {
    };

    /** A health-check line: a checker or real server changed state, the pool changed. */
    default void checker(String line) {
    }

    /** A reload was applied or refused. */
    default void reload(String line) {
    }

    /** A problem found in the configuration file. */
    default void config(String line) {
    }
}
