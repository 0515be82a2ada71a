package io.jlvs.cli.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process started as a background job of a script (or by anything else that leaves SIGINT ignored) inherits
 * SIGINT ignored, and the JVM then installs no handler: Ctrl-C or {@code kill -INT} did nothing. keepalived
 * stops on SIGINT however it started; so do {@code jlvs run} and {@code jlvs demo}, as on SIGTERM (the shutdown
 * hooks run). The CLI layer's one exit: status 130, as the JVM's own SIGINT handler gives.
 */
public final class InterruptSignal {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptSignal.class);

    private InterruptSignal() {
    }

    /**
     * Makes SIGINT stop the process when it was inherited ignored; returns whether it was. Call it before anything
     * starts; once the start has succeeded, {@link #announce} says so in the log (a start that fails says only why).
     */
    public static boolean stopOnInterrupt(String what) {
        try {
            if (new io.jlvs.sys.Syscalls().unignoreSignal(2)) {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> System.exit(130));
                return true;
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("cannot tell whether SIGINT is ignored ({}): if {} runs as a background job, stop it with "
                    + "SIGTERM", e.toString(), what);
        }
        return false;
    }

    /** The log line for a SIGINT {@link #stopOnInterrupt} found ignored ({@code what} names the process). */
    public static void announce(String what) {
        LOG.info("SIGINT was ignored when {} started (a background job?): it stops {}, as SIGTERM does", what, what);
    }
}
