package io.jlvs.proxy;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.SipCallId;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.engine.ServiceRuntime;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A UDP socket on VIP:port. Each client address:port gets a {@link UdpFlow} with its own connected
 * socket to the real server; with one-packet scheduling each datagram is placed on its own and flows
 * are kept per (client, real server) only to carry the replies.
 */
final class UdpServiceListener implements ServiceListener {
    private final ProxyContext ctx;
    private final InetServiceKey key;
    private final Channel channel;
    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    /** Owner: the socket's event loop. Key: the client address, or (client, target) for one-packet scheduling. */
    private final Map<Object, UdpFlow> flows = new HashMap<>();

    UdpServiceListener(ProxyContext ctx, EventLoop loop, InetServiceKey key) {
        this.ctx = ctx;
        this.key = key;
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channelFactory(ctx.transport.datagrams())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new Receiver());
        if (ctx.transport.nativeTransport()) {
            b.option(ctx.transport.freeBind(), true);
        }
        ChannelFuture f = b.bind(new InetSocketAddress(key.address().toInetAddress(), key.port()));
        channel = f.channel();
        f.addListener(x -> {
            if (x.isSuccess()) {
                bound.complete((InetSocketAddress) channel.localAddress());
            } else {
                bound.completeExceptionally(x.cause());
            }
        });
        channel.closeFuture().addListener(x -> {
            for (UdpFlow flow : new ArrayList<>(flows.values())) {
                flow.close();
            }
        });
    }

    @Override
    public InetServiceKey key() {
        return key;
    }

    @Override
    public CompletableFuture<InetSocketAddress> bound() {
        return bound;
    }

    @Override
    public void close() {
        channel.close();
    }

    Channel channel() {
        return channel;
    }

    ProxyContext context() {
        return ctx;
    }

    /** On the socket's loop: a flow has closed. */
    void forget(Object flowKey, UdpFlow flow) {
        flows.remove(flowKey, flow);
    }

    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
        private final FlowKey flowKey = new FlowKey();

        @Override
        protected void channelRead0(ChannelHandlerContext c, DatagramPacket packet) {
            ServiceRuntime service = ctx.service(key);
            if (service == null) {
                ctx.udpDatagramsDropped.increment();
                return;
            }
            InetSocketAddress sender = packet.sender();
            long now = ctx.clock.getAsLong();
            boolean onePacket = service.config().onePacket();
            UdpFlow flow = onePacket ? null : flows.get(sender);
            if (flow == null) {
                flow = newFlow(service, sender, now, onePacket, packet.content());
                if (flow == null) {
                    return;
                }
            }
            flow.forward(packet.content(), now);
        }

        private UdpFlow newFlow(ServiceRuntime service, InetSocketAddress sender, long now, boolean onePacket,
                                ByteBuf datagram) {
            IpAddress client = IpAddress.of(sender.getAddress());
            flowKey.set(Protocol.UDP.number(), client, sender.getPort(), key.address(), key.port(), now);
            Placement p = ctx.placer.place(service, flowKey, client, now, null,
                    ConnTable.PE_NAME.equals(service.config().persistenceEngine()) ? callId(datagram) : null);
            if (p == null) {
                ctx.noDestination.increment();
                ctx.udpDatagramsDropped.increment();
                return null;
            }
            InetSocketAddress target = new InetSocketAddress(p.destination().config().address().toInetAddress(),
                    p.destination().config().port());
            service.counters().connection();
            p.destination().counters().connection();
            if (onePacket) {
                if (p != null && p.template() != null) {
                    p.template().release();
                }
                Object opsKey = new OnePacketKey(sender, target);
                UdpFlow existing = flows.get(opsKey);
                if (existing != null) {
                    return existing;
                }
                UdpFlow flow = new UdpFlow(UdpServiceListener.this, opsKey, service, key, sender, client,
                        p == null ? null : p.destination(), null, target, true, now);
                flows.put(opsKey, flow);
                return flow;
            }
            UdpFlow flow = new UdpFlow(UdpServiceListener.this, sender, service, key, sender, client,
                    p == null ? null : p.destination(), p == null ? null : p.template(), target, false, now);
            flows.put(sender, flow);
            return flow;
        }
    }

    /** The SIP Call-ID of {@code datagram} as IPVS's sip engine finds it ({@link SipCallId}), or null. */
    static String callId(ByteBuf datagram) {
        int n = datagram.readableBytes();
        byte[] b = new byte[n];
        datagram.getBytes(datagram.readerIndex(), b);
        long found = SipCallId.find(MemorySegment.ofArray(b), 0, n);
        return found == SipCallId.NONE ? null
                : new String(b, SipCallId.offset(found), SipCallId.length(found), StandardCharsets.ISO_8859_1);
    }

    /** One-packet flows are shared by datagrams of one client that went to the same server. */
    private record OnePacketKey(InetSocketAddress client, InetSocketAddress target) {
    }
}
