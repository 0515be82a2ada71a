package io.jlvs.cli.adm;

import java.io.IOException;

/** The daemon could not be reached; the message is the one line jlvsadm prints ({@link Jlvsadm#NO_DAEMON}). */
public final class DaemonUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    public DaemonUnreachableException(String where, String reason, Throwable cause) {
        super(Jlvsadm.noDaemonMessage(where, reason), cause);
    }
}
