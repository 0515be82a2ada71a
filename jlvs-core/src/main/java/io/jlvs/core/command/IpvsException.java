package io.jlvs.core.command;

/** The IPVS table refused a command. The message is the user-facing text, as ipvsadm words it. */
public final class IpvsException extends Exception {
    private static final long serialVersionUID = 1L;
    private final IpvsError error;

    public IpvsException(IpvsError error, String message) {
        super(message);
        this.error = error;
    }

    public IpvsError error() {
        return error;
    }
}
