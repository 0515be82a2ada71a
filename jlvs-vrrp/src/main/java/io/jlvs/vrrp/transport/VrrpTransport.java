package io.jlvs.vrrp.transport;

/**
 * Sends and receives whole IP packets of protocol 112 (IPv4 or IPv6 header included). A raw-socket
 * implementation lives with the privileged code; {@link InMemoryVrrpLan} gives one for tests.
 */
public interface VrrpTransport extends AutoCloseable {

    /** Sends one packet; the destination is the one in its IP header (a multicast group or a unicast peer). */
    void send(byte[] ipPacket);

    /** The next received packet, or null when none is waiting. Never blocks. */
    byte[] poll();

    @Override
    void close();
}
