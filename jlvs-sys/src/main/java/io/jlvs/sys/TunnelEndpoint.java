package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The real-server end of an LVS-TUN tunnel where the kernel cannot decapsulate (no ipip module): receives
 * IPIP packets on a raw socket of protocol 4, GRE packets on one of protocol 47, or GUE datagrams on a UDP
 * port, strips the outer headers and
 * writes the inner packet into a {@link TunDevice}, so the local stack receives it as sent by the client
 * and answers the client directly. Only inner packets for one of the virtual addresses are delivered; the
 * rest are counted and dropped. One thread runs {@link #run}.
 */
public final class TunnelEndpoint implements AutoCloseable {
    private static final int MAX_PACKET = 65535;
    private static final int POLL_MILLIS = 200;

    private final TunDevice tun;
    private final Set<Integer> virtualAddresses;
    private final TunnelType type;
    /** IPIP's or GRE's. */
    private final RawIpSocket raw;
    private final DatagramSocket gue;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(MAX_PACKET, 16);
    private final byte[] datagram = new byte[MAX_PACKET];
    private final DatagramPacket packet = new DatagramPacket(datagram, MAX_PACKET);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong notForVirtualAddress = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong badChecksum = new AtomicLong();

    private TunnelEndpoint(TunDevice tun, Set<IpAddress> vips, TunnelType type, RawIpSocket raw,
                           DatagramSocket gue) {
        this.tun = tun;
        this.type = type;
        this.raw = raw;
        this.gue = gue;
        this.virtualAddresses = vips.stream().map(a -> {
            if (!a.isV4()) {
                throw new IllegalArgumentException("IPv4 virtual address expected: " + a);
            }
            return a.v4();
        }).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Decapsulates IPIP (IP protocol 4) for {@code vips} into {@code tun}. Needs CAP_NET_RAW. */
    public static TunnelEndpoint ipip(TunDevice tun, Set<IpAddress> vips) {
        // as the GUE socket's: a TCP stream's window arrives in bursts that overflowed the default buffer (a
        // 50 MB upload through the lab had ~10,000 raw-socket drops, and as many retransmissions)
        return new TunnelEndpoint(tun, vips, TunnelType.IPIP, RawIpSocket.open(4, false).receiveBuffer(4 << 20),
                null);
    }

    /** Decapsulates GRE (IP protocol 47) for {@code vips} into {@code tun}. Needs CAP_NET_RAW. */
    public static TunnelEndpoint gre(TunDevice tun, Set<IpAddress> vips) {
        return new TunnelEndpoint(tun, vips, TunnelType.GRE, RawIpSocket.open(47, false).receiveBuffer(4 << 20),
                null);
    }

    /** Decapsulates GUE arriving on UDP {@code port} for {@code vips} into {@code tun}. */
    public static TunnelEndpoint gue(TunDevice tun, Set<IpAddress> vips, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("GUE port must be 1..65535: " + port);
        }
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(port));
            socket.setSoTimeout(POLL_MILLIS);
            socket.setReceiveBufferSize(4 << 20);
            return new TunnelEndpoint(tun, vips, TunnelType.GUE, null, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("GUE port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Delivers packets until {@code keepGoing} says stop (checked at least every 200 ms). */
    public void run(BooleanSupplier keepGoing) {
        while (keepGoing.getAsBoolean()) {
            int n = receive();
            if (n < 0) {
                continue;
            }
            int at = switch (type) {
                case IPIP -> Decapsulation.ipip(buffer, n);
                case GRE -> Decapsulation.gre(buffer, n);
                case GUE -> Decapsulation.gue(buffer, n);
            };
            if (at == Decapsulation.BAD_CHECKSUM) {
                badChecksum.incrementAndGet();
                continue;
            }
            if (at < 0) {
                malformed.incrementAndGet();
                continue;
            }
            if (!virtualAddresses.contains(Decapsulation.innerDestination(buffer, at))) {
                notForVirtualAddress.incrementAndGet();
                continue;
            }
            try {
                tun.write(buffer, at, Decapsulation.innerLength(buffer, at));
                delivered.incrementAndGet();
            } catch (NativeIoException e) {
                malformed.incrementAndGet();
            }
        }
    }

    private int receive() {
        if (raw != null) {
            return raw.receive(buffer, POLL_MILLIS);
        }
        DatagramPacket p = packet;
        p.setLength(datagram.length);
        try {
            gue.receive(p);
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("GUE receive: " + e.getMessage(), e);
        }
        MemorySegment.copy(datagram, 0, buffer, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, p.getLength());
        return p.getLength();
    }

    /** Inner packets written to the TUN device. */
    public long delivered() {
        return delivered.get();
    }

    /** Well-formed inner packets for an address that is not one of the virtual addresses. */
    public long notForVirtualAddress() {
        return notForVirtualAddress.get();
    }

    /** Packets that carried no usable inner IPv4 packet, or that the TUN device refused. */
    public long malformed() {
        return malformed.get();
    }

    /** GRE packets with the checksum bit whose checksum was wrong (dropped; not counted as malformed). */
    public long badChecksum() {
        return badChecksum.get();
    }

    /** What this endpoint decapsulates. */
    public TunnelType type() {
        return type;
    }

    @Override
    public void close() {
        if (raw != null) {
            raw.close();
        }
        if (gue != null) {
            gue.close();
        }
        arena.close();
    }
}
