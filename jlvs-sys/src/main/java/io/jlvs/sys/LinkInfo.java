package io.jlvs.sys;

/**
 * One network interface as rtnetlink reports it.
 *
 * @param index  the interface index
 * @param name   the interface name
 * @param mac    the hardware address as the low 48 bits (0 when it has none)
 * @param mtu    the MTU
 * @param flags  the IFF_* flags
 */
public record LinkInfo(int index, String name, long mac, int mtu, int flags) {
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_LOWER_UP = 0x10000;

    /** Administratively up (IFF_UP). */
    public boolean up() {
        return (flags & IFF_UP) != 0;
    }

    /** Operationally running (IFF_RUNNING): up and carrier present. */
    public boolean running() {
        return (flags & IFF_RUNNING) != 0;
    }

    public boolean lowerUp() {
        return (flags & IFF_LOWER_UP) != 0;
    }

    @Override
    public String toString() {
        return index + ": " + name + " " + AfPacketIo.formatMac(mac) + " mtu " + mtu
                + (up() ? " UP" : " DOWN") + (running() ? " RUNNING" : "");
    }
}
