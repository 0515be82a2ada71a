package io.jlvs.packet.sync;

import io.jlvs.core.IpAddress;

/**
 * One connection or persistence template as a sync message carries it.
 *
 * @param protocol       IP protocol number (0 for a fwmark template)
 * @param flags          IP_VS_CONN_F_* bits ({@link SyncProtocol})
 * @param state          the protocol's state number (the kernel's numbering)
 * @param fwmark         the firewall mark (0 when none; always 0 in version 0)
 * @param timeoutSeconds the entry's timeout (0 in version 0: the backup picks the state's timeout)
 * @param peName         persistence-engine name, or null
 * @param peData         persistence-engine data, or null
 */
public record SyncConn(int protocol, int flags, int state, IpAddress client, int clientPort,
                       IpAddress virtualAddress, int virtualPort, IpAddress destination, int destinationPort,
                       int fwmark, int timeoutSeconds, String peName, byte[] peData) {

    public boolean template() {
        return (flags & SyncProtocol.F_TEMPLATE) != 0;
    }

    public boolean v6() {
        return !client.isV4();
    }
}
