package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The real-server end of an LVS-TUN tunnel where the kernel cannot decapsulate (no ipip, ip6_tunnel or ip6_gre
 * module): receives IPIP packets on a raw socket of protocol 4, GRE packets on one of protocol 47, or GUE
 * datagrams on a UDP port (IPv4 or IPv6 inside); for IPv6 services, IPv6-in-IPv6 on a raw IPv6 socket of next
 * header 41, or GRE over IPv6 on one of 47 ({@link #ipv6}). It strips the outer headers and writes the inner
 * packet into a {@link TunDevice}, so the local stack receives it as sent by the client and answers the client
 * directly. Only inner packets for one of the virtual addresses are delivered; the rest are counted and
 * dropped. One thread runs {@link #run}.
 */
public final class TunnelEndpoint implements AutoCloseable {
    private static final int MAX_PACKET = 65535;
    private static final int POLL_MILLIS = 200;

    private final TunDevice tun;
    private final Set<Integer> virtualAddresses;
    /** The IPv6 virtual addresses as (high, low) pairs. */
    private final long[] virtualAddresses6;
    private final TunnelType type;
    /** IPIP's or GRE's. */
    private final RawIpSocket raw;
    /** IPv6-in-IPv6's or GRE over IPv6's. */
    private final RawIp6Socket raw6;
    /** GUE's, both families. */
    private final GueSocket gue;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(MAX_PACKET, 16);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong notForVirtualAddress = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong badChecksum = new AtomicLong();

    private TunnelEndpoint(TunDevice tun, Set<IpAddress> vips, TunnelType type, RawIpSocket raw, RawIp6Socket raw6,
                           GueSocket gue) {
        this.tun = tun;
        this.type = type;
        this.raw = raw;
        this.raw6 = raw6;
        this.gue = gue;
        this.virtualAddresses = vips.stream().filter(IpAddress::isV4).map(IpAddress::v4)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.virtualAddresses6 = vips.stream().filter(a -> !a.isV4())
                .flatMapToLong(a -> java.util.stream.LongStream.of(a.hi(), a.lo())).toArray();
    }

    /** Decapsulates IPIP (IP protocol 4) for {@code vips} into {@code tun}. Needs CAP_NET_RAW. */
    public static TunnelEndpoint ipip(TunDevice tun, Set<IpAddress> vips) {
        // as the GUE socket's: a TCP stream's window arrives in bursts that overflowed the default buffer (a
        // 50 MB upload through the lab had ~10,000 raw-socket drops, and as many retransmissions)
        return new TunnelEndpoint(tun, vips, TunnelType.IPIP, RawIpSocket.open(4, false).receiveBuffer(4 << 20),
                null, null);
    }

    /** Decapsulates GRE (IP protocol 47) for {@code vips} into {@code tun}. Needs CAP_NET_RAW. */
    public static TunnelEndpoint gre(TunDevice tun, Set<IpAddress> vips) {
        return new TunnelEndpoint(tun, vips, TunnelType.GRE, RawIpSocket.open(47, false).receiveBuffer(4 << 20),
                null, null);
    }

    /**
     * Decapsulates what an IPv6 service's director sends over IPv6 for {@code vips} into {@code tun}: IPv6-in-IPv6
     * (next header 41) for IPIP, GRE over IPv6 (47) for GRE. Needs CAP_NET_RAW. GUE needs no second endpoint:
     * {@link #gue}'s socket takes both families.
     */
    public static TunnelEndpoint ipv6(TunDevice tun, Set<IpAddress> vips, TunnelType type) {
        if (type == TunnelType.GUE) {
            throw new IllegalArgumentException("GUE over IPv6 arrives on the GUE endpoint's own socket");
        }
        RawIp6Socket socket = RawIp6Socket.open(type == TunnelType.GRE ? 47 : 41);
        try {
            socket.receiveBuffer(4 << 20);
            return new TunnelEndpoint(tun, vips, type, null, socket, null);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Decapsulates GUE arriving on UDP {@code port} over IPv4 or IPv6 (a {@link GueSocket}: IPv6 without a UDP
     * checksum too, as the director sends it for --tun-nocsum) for {@code vips} into {@code tun}.
     */
    public static TunnelEndpoint gue(TunDevice tun, Set<IpAddress> vips, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("GUE port must be 1..65535: " + port);
        }
        GueSocket socket;
        try {
            socket = GueSocket.open(port);
        } catch (NativeIoException e) {
            throw new UncheckedIOException("GUE port " + port + ": " + e.getMessage(), new IOException(e));
        }
        try {
            socket.receiveBuffer(4 << 20);
            return new TunnelEndpoint(tun, vips, TunnelType.GUE, null, null, socket);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
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
                case IPIP -> raw6 != null ? Decapsulation.ipv6InIpv6(buffer, n) : Decapsulation.ipip(buffer, n);
                case GRE -> raw6 != null ? Decapsulation.gre6(buffer, n) : Decapsulation.gre(buffer, n);
                case GUE -> {
                    int v4 = Decapsulation.gue(buffer, n);
                    yield v4 == Decapsulation.NOT_IPV4 ? Decapsulation.gue6(buffer, n) : v4;
                }
            };
            if (at == Decapsulation.BAD_CHECKSUM) {
                badChecksum.incrementAndGet();
                continue;
            }
            if (at < 0) {
                malformed.incrementAndGet();
                continue;
            }
            boolean v6 = (buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) & 0xf0) == 0x60;
            if (v6 ? !isVirtualAddress6(Decapsulation.inner6DestinationHi(buffer, at),
                    Decapsulation.inner6DestinationLo(buffer, at))
                    : !virtualAddresses.contains(Decapsulation.innerDestination(buffer, at))) {
                notForVirtualAddress.incrementAndGet();
                continue;
            }
            try {
                tun.write(buffer, at, v6 ? Decapsulation.inner6Length(buffer, at) : Decapsulation.innerLength(buffer, at));
                delivered.incrementAndGet();
            } catch (NativeIoException e) {
                malformed.incrementAndGet();
            }
        }
    }

    private boolean isVirtualAddress6(long hi, long lo) {
        for (int i = 0; i < virtualAddresses6.length; i += 2) {
            if (virtualAddresses6[i] == hi && virtualAddresses6[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    private int receive() {
        if (raw != null) {
            return raw.receive(buffer, POLL_MILLIS);
        }
        if (raw6 != null) {
            return raw6.receive(buffer, POLL_MILLIS);
        }
        return gue.receive(buffer, POLL_MILLIS);
    }

    /** Inner packets written to the TUN device. */
    public long delivered() {
        return delivered.get();
    }

    /** Well-formed inner packets for an address that is not one of the virtual addresses. */
    public long notForVirtualAddress() {
        return notForVirtualAddress.get();
    }

    /** Packets that carried no usable inner packet (IPv4, or IPv6 for IPv6's), or that the TUN device refused. */
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
        if (raw6 != null) {
            raw6.close();
        }
        if (gue != null) {
            gue.close();
        }
        arena.close();
    }
}
