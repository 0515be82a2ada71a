package io.jlvs.sys;

/**
 * A system call failed: which call, and the errno it set. Thrown once, where the call returns, and never
 * wrapped again, so a caller can switch on {@link #errno()}.
 */
public final class NativeIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public NativeIoException(String call, int errno) {
        super(format(call, errno));
        this.call = call;
        this.errno = errno;
    }

    private static String format(String call, int errno) {
        Errno e = Errno.of(errno);
        return e == null
                ? call + ": errno " + errno
                : call + ": " + e.name() + " (" + e.description() + ")";
    }

    /** The failing call, e.g. {@code "bind"} or {@code "setsockopt(PACKET_RX_RING)"}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code "EPERM"}. */
    public String errnoName() {
        return Errno.nameOf(errno);
    }

    /** True when this failure is {@code e}. */
    public boolean is(Errno e) {
        return errno == e.number();
    }
}
