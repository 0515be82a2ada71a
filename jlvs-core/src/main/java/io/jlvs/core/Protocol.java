package io.jlvs.core;

/** Transport protocols an IPVS virtual service can balance, with IANA numbers and ipvsadm's spellings. */
public enum Protocol {
    TCP(6, "TCP", "-t", "tcp"),
    UDP(17, "UDP", "-u", "udp"),
    SCTP(132, "SCTP", "--sctp-service", "sctp");

    private final int number;
    private final String label;
    private final String saveOption;
    private final String keepalivedName;

    Protocol(int number, String label, String saveOption, String keepalivedName) {
        this.number = number;
        this.label = label;
        this.saveOption = saveOption;
        this.keepalivedName = keepalivedName;
    }

    /** IANA protocol number: TCP 6, UDP 17, SCTP 132 (also ipvsadm's sort key). */
    public int number() {
        return number;
    }

    /** As ipvsadm -L prints it: TCP, UDP, SCTP. */
    public String label() {
        return label;
    }

    /** The option ipvsadm -S writes for a service of this protocol. */
    public String saveOption() {
        return saveOption;
    }

    /** Lower-case name as keepalived logs it ({@code [10.0.0.1]:tcp:80}). */
    public String lowerName() {
        return keepalivedName;
    }

    public static Protocol fromNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        throw new IllegalArgumentException("unsupported protocol number " + number);
    }
}
