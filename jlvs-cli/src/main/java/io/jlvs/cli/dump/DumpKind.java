package io.jlvs.cli.dump;

/** keepalived's three dumps: the signal that asks for each and the file it is written to. */
public enum DumpKind {
    /** SIGUSR1: configuration and state. */
    DATA("USR1", "keepalived.data"),
    /** SIGUSR2: VRRP counters. */
    STATS("USR2", "keepalived.stats"),
    /** keepalived's SIGJSON (a real-time signal the JVM cannot catch): jlvs writes it on SIGUSR1 too. */
    JSON("USR1", "keepalived.json");

    private final String signal;
    private final String fileName;

    DumpKind(String signal, String fileName) {
        this.signal = signal;
        this.fileName = fileName;
    }

    public String signal() {
        return signal;
    }

    public String fileName() {
        return fileName;
    }
}
