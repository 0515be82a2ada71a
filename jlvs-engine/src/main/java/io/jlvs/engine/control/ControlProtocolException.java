package io.jlvs.engine.control;

import java.io.IOException;

/** The daemon refused a request for a reason other than the IPVS table's (see {@link ProtocolError}). */
public final class ControlProtocolException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String error;

    public ControlProtocolException(String error, String message) {
        super(message);
        this.error = error;
    }

    /** The wire name of the error, normally a {@link ProtocolError} name. */
    public String error() {
        return error;
    }
}
