package io.jlvs.vrrp.state;

/** An instance's state; {@link #keepalivedNumber()} is the value keepalived's JSON/SNMP report. */
public enum VrrpState {
    INIT(0),
    BACKUP(1),
    MASTER(2),
    FAULT(3),
    STOP(98);

    private final int keepalivedNumber;

    VrrpState(int keepalivedNumber) {
        this.keepalivedNumber = keepalivedNumber;
    }

    public int keepalivedNumber() {
        return keepalivedNumber;
    }
}
