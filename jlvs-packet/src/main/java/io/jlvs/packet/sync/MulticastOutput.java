package io.jlvs.packet.sync;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends sync messages to the multicast group out of one interface, with the daemon's TTL and, as the
 * kernel's master, multicast loop off (tests on one host turn it on).
 */
public final class MulticastOutput implements SyncMaster.Output {
    private final DatagramChannel channel;

    public MulticastOutput(InetSocketAddress group, NetworkInterface networkInterface, int ttl, boolean loop)
            throws IOException {
        boolean v6 = group.getAddress() instanceof Inet6Address;
        DatagramChannel ch = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, loop);
            ch.connect(group);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        this.channel = ch;
    }

    @Override
    public void send(ByteBuffer message) throws IOException {
        channel.write(message);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
