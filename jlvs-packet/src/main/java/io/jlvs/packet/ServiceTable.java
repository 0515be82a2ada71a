package io.jlvs.packet;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.core.view.Timeouts;
import java.util.Map;

/**
 * The services of a {@link ForwardingSnapshot} (IPv4 here, IPv6 in {@link Ipv6Services}) compiled into primitive open-addressing tables, so
 * that a packet finds its service without building a key object. Immutable once built; built on the
 * engine's thread, read by data-plane threads.
 */
public final class ServiceTable {
    public static final ServiceTable EMPTY = new ServiceTable(ForwardingSnapshot.EMPTY);

    private static final long FWMARK_TAG = 1L << 60;
    /** The protocol number of a {@link #masqSources} entry that only says: this host is a MASQ real server. */
    private static final int HOST = 255;
    /**
     * A {@link #masqSources} entry (FTP_DATA, address, 0) for a real server of an FTP service (its data
     * connections: any TCP port, or with {@link #passive} those of the range), and (FTP_DATA, address, port − 1)
     * for its active data port.
     */
    private static final int FTP_DATA = 254;

    private final long version;
    private final Timeouts timeouts;
    private final long[] keys;
    private final ServiceRuntime[] values;
    private final int mask;
    /** Virtual addresses; 0 marks a free slot, so address 0.0.0.0 is tracked by a flag. */
    private final int[] vips;
    private final int vipMask;
    private final boolean zeroVip;
    /**
     * What a MASQ real server sends from a service's port, (protocol, address, port); (protocol, address, 0)
     * for one of a port-0 service (any port of that protocol), (0, address, 0) for one of a fwmark service
     * (any port of any protocol): the frames the kernel guard and the XDP program take from the kernel for
     * the worker. 0 marks a free slot.
     */
    private final long[] masqSources;
    private final int masqMask;
    /** The IPv6 services, virtual addresses and MASQ real servers. */
    private final Ipv6Services v6;
    /** The FTP servers' passive ports, or null: an FTP real server's every TCP port. */
    private final FtpPassivePorts passive;

    public ServiceTable(ForwardingSnapshot snapshot) {
        this(snapshot, java.util.List.of());
    }

    /**
     * With the FTP helper on {@code ftpPorts}: a MASQ real server of a TCP service on one of them also sends
     * from any TCP port (its data connections: port 20, its passive ports), which the guard and the XDP
     * program give to the worker too.
     */
    public ServiceTable(ForwardingSnapshot snapshot, java.util.List<Integer> ftpPorts) {
        this(snapshot, ftpPorts, null);
    }

    /**
     * As {@link #ServiceTable(ForwardingSnapshot, java.util.List)}, an FTP real server's data connections only
     * from {@code passive} and its port − 1 (null: from any TCP port).
     */
    public ServiceTable(ForwardingSnapshot snapshot, java.util.List<Integer> ftpPorts, FtpPassivePorts passive) {
        this.passive = passive;
        this.v6 = new Ipv6Services(snapshot, ftpPorts, passive);
        this.version = snapshot.version();
        this.timeouts = snapshot.timeouts();
        int n = Math.max(1, snapshot.services().size());
        int size = Integer.highestOneBit(n * 4 - 1) << 1;
        keys = new long[size];
        values = new ServiceRuntime[size];
        mask = size - 1;
        vips = new int[size];
        vipMask = size - 1;
        boolean zero = false;
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : snapshot.services().entrySet()) {
            switch (e.getKey()) {
                case InetServiceKey k when k.address().isV4() -> {
                    put(key(k.protocol().number(), k.address().v4(), k.port()), e.getValue());
                    int a = k.address().v4();
                    if (a == 0) {
                        zero = true;
                    } else {
                        addVip(a);
                    }
                }
                case FwmarkServiceKey k when k.family() == AddressFamily.INET ->
                        put(FWMARK_TAG | (k.fwmark() & 0xffffffffL), e.getValue());
                default -> {
                    // IPv6 services: in v6 (IPv6 fwmark services: no classifier gives IPv6 marks)
                }
            }
        }
        zeroVip = zero;
        java.util.Set<Long> masq = new java.util.HashSet<>();
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : snapshot.services().entrySet()) {
            for (DestinationState d : e.getValue().destinations().asList()) {
                if (d.config().method() != ForwardingMethod.MASQ || !d.config().address().isV4()) {
                    continue;
                }
                int a = d.config().address().v4();
                masq.add(key(HOST, a, 0));
                if (e.getKey() instanceof InetServiceKey k) {
                    masq.add(key(k.protocol().number(), a, d.config().port())); // port 0: every port of it
                    if (k.protocol() == io.jlvs.core.Protocol.TCP && ftpPorts.contains(k.port())) {
                        masq.add(key(FTP_DATA, a, 0)); // FTP data connections: any TCP port (or the range)
                        if (passive != null && d.config().port() > 1) {
                            masq.add(key(FTP_DATA, a, d.config().port() - 1)); // active: from port 20
                        }
                    }
                } else {
                    masq.add(key(0, a, 0)); // fwmark: every port of every protocol
                }
            }
        }
        int m = Integer.highestOneBit(Math.max(1, masq.size()) * 4 - 1) << 1;
        masqSources = new long[m];
        masqMask = m - 1;
        for (long k : masq) {
            int i = (int) mix64(k) & masqMask;
            while (masqSources[i] != 0 && masqSources[i] != k) {
                i = (i + 1) & masqMask;
            }
            masqSources[i] = k;
        }
    }

    /**
     * True when the kernel does not route this frame, as it comes from a MASQ real server's service port
     * (or any port of one serving a port-0 or fwmark service): the guard or the XDP program gave it to the
     * worker, which must route it itself when it belongs to no connection.
     */
    public boolean fromMasqService(int protocol, int address, int port) {
        return fromRealService(protocol, address, port)
                || protocol == io.jlvs.core.Protocol.TCP.number() && hasMasq(key(FTP_DATA, address, 0))
                && (passive == null || passive.contains(port) || hasMasq(key(FTP_DATA, address, port)));
    }

    /**
     * As {@link #fromMasqService}, but not counting an FTP real server's other TCP ports (the FTP helper's
     * data connections): the kernel's ip_vs_has_real_service, which nat_icmp_send asks.
     */
    public boolean fromRealService(int protocol, int address, int port) {
        return hasMasq(key(protocol, address, port)) || hasMasq(key(protocol, address, 0))
                || hasMasq(key(0, address, 0));
    }

    /** True when {@code address} is a MASQ real server: the guard and the XDP program take its ICMP errors. */
    public boolean isMasqServer(int address) {
        return hasMasq(key(HOST, address, 0));
    }

    private boolean hasMasq(long key) {
        int i = (int) mix64(key) & masqMask;
        while (true) {
            long k = masqSources[i];
            if (k == key) {
                return true;
            }
            if (k == 0) {
                return false;
            }
            i = (i + 1) & masqMask;
        }
    }

    /** The IPv6 part of this table. */
    public Ipv6Services v6() {
        return v6;
    }

    public long version() {
        return version;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** The service for (protocol, address, port) exactly, or null. Port 0 finds a port-zero service. */
    public ServiceRuntime find(int protocol, int address, int port) {
        return get(key(protocol, address, port));
    }

    /** The IPv4 fwmark service with this mark, or null. */
    public ServiceRuntime fwmark(int mark) {
        return mark == 0 ? null : get(FWMARK_TAG | (mark & 0xffffffffL));
    }

    /** True when some service listens on this address. */
    public boolean isVirtualAddress(int address) {
        if (address == 0) {
            return zeroVip;
        }
        int i = mix(address) & vipMask;
        while (true) {
            int v = vips[i];
            if (v == address) {
                return true;
            }
            if (v == 0) {
                return false;
            }
            i = (i + 1) & vipMask;
        }
    }

    private static long key(int protocol, int address, int port) {
        return (long) protocol << 48 | (long) port << 32 | (address & 0xffffffffL);
    }

    private ServiceRuntime get(long key) {
        int i = (int) mix64(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    private void put(long key, ServiceRuntime rt) {
        int i = (int) mix64(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = rt;
    }

    private void addVip(int address) {
        int i = mix(address) & vipMask;
        while (vips[i] != 0 && vips[i] != address) {
            i = (i + 1) & vipMask;
        }
        vips[i] = address;
    }

    private static int mix(int x) {
        return (int) mix64(x & 0xffffffffL);
    }

    private static long mix64(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 32)) * 0xD6E8FEB86659FD93L;
        return z ^ (z >>> 32);
    }
}
