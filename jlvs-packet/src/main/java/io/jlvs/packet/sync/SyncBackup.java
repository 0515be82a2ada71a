package io.jlvs.packet.sync;

import io.jlvs.packet.Dataplane;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.List;

/**
 * The backup sync daemon: receives sync messages on the multicast group (joined on the interface),
 * decodes them ({@link SyncMessageReader}, filtering by sync id) and hands each record to the data-plane
 * workers, which create or refresh the connection ({@link Dataplane#offerSynced}). {@link #close} leaves
 * the group and stops the thread.
 */
public final class SyncBackup implements AutoCloseable {
    private final List<Dataplane> dataplanes;
    private final int syncId;
    private final SyncStats stats;
    private final SyncMessageReader.Sink sink;
    private DatagramChannel channel;
    private MembershipKey membership;
    private Thread thread;

    public SyncBackup(List<Dataplane> dataplanes, int syncId, SyncStats stats) {
        this.dataplanes = List.copyOf(dataplanes);
        this.syncId = syncId;
        this.stats = stats;
        this.sink = new SyncMessageReader.Sink() {
            @Override
            public void accept(SyncConn conn) {
                stats.connReceived();
                for (Dataplane d : SyncBackup.this.dataplanes) {
                    if (!d.offerSynced(conn)) {
                        stats.dropped(SyncDropReason.QUEUE_FULL);
                    }
                }
            }

            @Override
            public void dropped(SyncDropReason reason) {
                stats.dropped(reason);
            }
        };
    }

    /** One received datagram (the receive thread, or a test). */
    public void onMessage(ByteBuffer message) {
        stats.received();
        SyncDropReason r = SyncMessageReader.read(message, syncId, sink);
        if (r != null) {
            stats.messageDropped(r);
        }
    }

    /**
     * Binds to {@code group}:{@code port}, joins the group on {@code networkInterface} and starts the
     * receiving thread.
     *
     * @param maxLength the receive buffer ({@link SyncProtocol#maxLength})
     */
    public SyncBackup start(InetSocketAddress group, NetworkInterface networkInterface, int maxLength)
            throws IOException {
        boolean v6 = group.getAddress() instanceof java.net.Inet6Address;
        DatagramChannel ch = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(v6 ? new InetSocketAddress(group.getPort()) : group);
            membership = ch.join(group.getAddress(), networkInterface);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        ByteBuffer buf = ByteBuffer.allocate(maxLength);
        thread = Thread.ofPlatform().daemon(true).name("jlvs-sync-backup").start(() -> receive(ch, buf));
        return this;
    }

    private void receive(DatagramChannel ch, ByteBuffer buf) {
        while (ch.isOpen()) {
            buf.clear();
            SocketAddress from;
            try {
                from = ch.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            if (from != null) {
                buf.flip();
                onMessage(buf);
            }
        }
    }

    @Override
    public void close() {
        if (membership != null) {
            membership.drop();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
