package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * HAProxy's PROXY protocol header (version 1 text, version 2 binary), command PROXY over TCP, that a
 * FULLNAT relay sends to the real server before the client's first byte.
 */
final class ProxyHeader {
    private static final byte[] V2_SIGNATURE =
            {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeader() {
    }

    /** The header's bytes: {@code client:clientPort} connected to {@code vip:vport}. */
    static byte[] encode(ProxyProtocol version, IpAddress client, int clientPort, IpAddress vip, int vport) {
        if (version == ProxyProtocol.V1) {
            String text = "PROXY " + (client.isV4() ? "TCP4 " : "TCP6 ") + client + " " + vip + " " + clientPort + " "
                    + vport + "\r\n";
            return text.getBytes(StandardCharsets.US_ASCII);
        }
        boolean v4 = client.isV4();
        int addressBytes = v4 ? 12 : 36;
        ByteBuffer b = ByteBuffer.allocate(16 + addressBytes);
        b.put(V2_SIGNATURE);
        b.put((byte) 0x21);                       // version 2, command PROXY
        b.put((byte) (v4 ? 0x11 : 0x21));         // AF_INET/AF_INET6 over STREAM
        b.putShort((short) addressBytes);
        b.put(client.toBytes());
        b.put(vip.toBytes());
        b.putShort((short) clientPort);
        b.putShort((short) vport);
        return b.array();
    }
}
