package io.jlvs.vrrp.transport;

import io.jlvs.core.IpAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One broadcast segment in memory: a packet sent to a multicast address reaches every other attached host
 * (the sender does not hear itself, as with multicast loop off); one sent to a unicast address reaches that host.
 * A host can be cut off ({@link #setLinkUp}) to play a dead or partitioned router. {@link VrrpTransport#receive}
 * waits, as a raw socket's does: a router's loop on it sleeps between packets and timers instead of spinning (it
 * took a core per router, and routers preempted at any point of their loop on a loaded machine).
 */
public final class InMemoryVrrpLan {
    private final Map<IpAddress, Port> ports = new ConcurrentHashMap<>();

    /** Attaches a host with this primary address. */
    public VrrpTransport attach(IpAddress address) {
        Port p = new Port(address);
        if (ports.putIfAbsent(address, p) != null) {
            throw new IllegalStateException(address + " is already attached");
        }
        return p;
    }

    /** Cuts (false) or restores (true) a host's link: nothing is sent or received while it is down. */
    public void setLinkUp(IpAddress address, boolean up) {
        Port p = ports.get(address);
        if (p == null) {
            throw new IllegalArgumentException(address + " is not attached");
        }
        p.up = up;
        if (!up) {
            p.inbox.clear();
        }
    }

    private void deliver(Port from, byte[] packet) {
        IpAddress dst = destination(packet);
        boolean multicast = dst.isV4() ? (dst.v4() >>> 28) == 0xe : (dst.hi() >>> 56) == 0xff;
        for (Port p : ports.values()) {
            if (p != from && p.up && (multicast || p.address.equals(dst))) {
                p.inbox.add(packet.clone());
            }
        }
    }

    private static IpAddress destination(byte[] packet) {
        int version = (packet[0] & 0xf0) >>> 4;
        if (version == 4) {
            return IpAddress.of(java.util.Arrays.copyOfRange(packet, 16, 20));
        }
        return IpAddress.of(java.util.Arrays.copyOfRange(packet, 24, 40));
    }

    private final class Port implements VrrpTransport {
        final IpAddress address;
        final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
        volatile boolean up = true;

        Port(IpAddress address) {
            this.address = address;
        }

        @Override
        public void send(byte[] ipPacket) {
            if (up) {
                deliver(this, ipPacket);
            }
        }

        @Override
        public byte[] poll() {
            return inbox.poll();
        }

        @Override
        public byte[] receive(int timeoutMillis) {
            try {
                return inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void close() {
            ports.remove(address, this);
        }
    }
}
