package io.jlvs.sys;

/**
 * The kernel refused an eBPF program (BPF_PROG_LOAD): the errno it set and the verifier's log, which is
 * also the end of the message.
 */
public final class BpfLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String verifierLog;

    public BpfLoadException(String program, int errno, String verifierLog) {
        super("bpf(BPF_PROG_LOAD " + program + "): " + Errno.nameOf(errno) + "; verifier log:\n" + verifierLog);
        this.errno = errno;
        this.verifierLog = verifierLog;
    }

    public int errno() {
        return errno;
    }

    public String verifierLog() {
        return verifierLog;
    }
}
