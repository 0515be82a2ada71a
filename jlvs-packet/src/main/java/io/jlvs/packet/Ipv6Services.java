package io.jlvs.packet;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.ServiceRuntime;
import java.util.Map;

/**
 * The IPv6 services of a {@link ForwardingSnapshot} that the IPv6 path forwards ({@link Ipv6Forwarder#forwards}:
 * not those whose real servers are all FULLNAT, which the kernel's stack and the proxy serve) in primitive open-addressing tables: (protocol, VIP,
 * port) to service, the set of IPv6 virtual addresses, and what MASQ real servers send from a service's port
 * (protocol, address, port; port 0 for a port-0 service's; with the FTP helper an FTP real server's data
 * connections too, as {@link ServiceTable} for IPv4). Immutable once built (inside a
 * {@link ServiceTable}, published through the data plane's volatile field); no allocation per lookup.
 */
public final class Ipv6Services {
    /** A used slot's tag in {@link #meta}: (1 << 31) | protocol << 16 | port. */
    private static final int USED = 1 << 31;
    /** The protocol of a {@link #masqMeta} entry that only says: this host is a MASQ real server. */
    private static final int HOST = 255;
    /**
     * The protocol of a {@link #masqMeta} entry (FTP_DATA, address, 0) for a real server of an FTP service (its
     * data connections: any TCP port, or with {@link #passive} those of the range), and (FTP_DATA, address,
     * port − 1) for its active data port.
     */
    private static final int FTP_DATA = 254;

    private final long[] hi;
    private final long[] lo;
    private final int[] meta;
    private final ServiceRuntime[] values;
    private final int mask;
    private final long[] vipHi;
    private final long[] vipLo;
    private final boolean[] vipUsed;
    private final long[] masqHi;
    private final long[] masqLo;
    private final int[] masqMeta;
    private final int masqMask;
    private final int services;
    /** The FTP servers' passive ports, or null: an FTP real server's every TCP port. */
    private final FtpPassivePorts passive;

    /** With the FTP helper on {@code ftpPorts} (empty: off) and its servers' passive ports (null: every port). */
    Ipv6Services(ForwardingSnapshot snapshot, java.util.List<Integer> ftpPorts, FtpPassivePorts passive) {
        this.passive = passive;
        int n = 0;
        int m = 0;
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : snapshot.services().entrySet()) {
            if (e.getKey() instanceof InetServiceKey k && !k.address().isV4() && Ipv6Forwarder.forwards(e.getValue())) {
                n++;
                m += 1 + 4 * e.getValue().destinations().asList().size();
            }
        }
        services = n;
        int size = Integer.highestOneBit(Math.max(1, n) * 4 - 1) << 1;
        hi = new long[size];
        lo = new long[size];
        meta = new int[size];
        values = new ServiceRuntime[size];
        vipHi = new long[size];
        vipLo = new long[size];
        vipUsed = new boolean[size];
        mask = size - 1;
        int msize = Integer.highestOneBit(Math.max(1, m) * 4 - 1) << 1;
        masqHi = new long[msize];
        masqLo = new long[msize];
        masqMeta = new int[msize];
        masqMask = msize - 1;
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : snapshot.services().entrySet()) {
            if (!(e.getKey() instanceof InetServiceKey k) || k.address().isV4() || !Ipv6Forwarder.forwards(e.getValue())) {
                continue;
            }
            int proto = k.protocol().number();
            long h = k.address().hi();
            long l = k.address().lo();
            int i = slot(h, l, proto, k.port(), mask);
            while (meta[i] != 0 && !(hi[i] == h && lo[i] == l && meta[i] == tag(proto, k.port()))) {
                i = (i + 1) & mask;
            }
            hi[i] = h;
            lo[i] = l;
            meta[i] = tag(proto, k.port());
            values[i] = e.getValue();
            int v = slot(h, l, 0, 0, mask);
            while (vipUsed[v] && !(vipHi[v] == h && vipLo[v] == l)) {
                v = (v + 1) & mask;
            }
            vipHi[v] = h;
            vipLo[v] = l;
            vipUsed[v] = true;
            for (DestinationState d : e.getValue().destinations().asList()) {
                if (d.config().method() != ForwardingMethod.MASQ || d.config().address().isV4()) {
                    continue;
                }
                long rh = d.config().address().hi();
                long rl = d.config().address().lo();
                addMasq(rh, rl, HOST, 0);
                addMasq(rh, rl, proto, d.config().port());
                if (k.protocol() == io.jlvs.core.Protocol.TCP && ftpPorts.contains(k.port())) {
                    addMasq(rh, rl, FTP_DATA, 0); // FTP data connections: any TCP port (or the range)
                    if (passive != null && d.config().port() > 1) {
                        addMasq(rh, rl, FTP_DATA, d.config().port() - 1); // active: from port 20
                    }
                }
            }
        }
    }

    /** Whether any IPv6 service exists. */
    public boolean isEmpty() {
        return services == 0;
    }

    /** The service for (protocol, address, port) exactly, or null. Port 0 finds a port-zero service. */
    public ServiceRuntime find(int protocol, long addressHi, long addressLo, int port) {
        int t = tag(protocol, port);
        int i = slot(addressHi, addressLo, protocol, port, mask);
        while (true) {
            int k = meta[i];
            if (k == 0) {
                return null;
            }
            if (k == t && hi[i] == addressHi && lo[i] == addressLo) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
    }

    /** True when some IPv6 service listens on this address. */
    public boolean isVirtualAddress(long addressHi, long addressLo) {
        int i = slot(addressHi, addressLo, 0, 0, mask);
        while (vipUsed[i]) {
            if (vipHi[i] == addressHi && vipLo[i] == addressLo) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    /**
     * True when (protocol, address, port) is a MASQ real server's service port (any port for a port-0 service),
     * or one an FTP real server's data connections use (the guard takes those too).
     */
    public boolean fromMasqService(int protocol, long addressHi, long addressLo, int port) {
        return hasMasq(addressHi, addressLo, protocol, port) || hasMasq(addressHi, addressLo, protocol, 0)
                || protocol == io.jlvs.core.Protocol.TCP.number() && hasMasq(addressHi, addressLo, FTP_DATA, 0)
                && (passive == null || passive.contains(port) || hasMasq(addressHi, addressLo, FTP_DATA, port));
    }

    /** True when the address is an IPv6 MASQ real server. */
    public boolean isMasqServer(long addressHi, long addressLo) {
        return hasMasq(addressHi, addressLo, HOST, 0);
    }

    private void addMasq(long h, long l, int proto, int port) {
        int t = tag(proto, port);
        int i = slot(h, l, proto, port, masqMask);
        while (masqMeta[i] != 0 && !(masqHi[i] == h && masqLo[i] == l && masqMeta[i] == t)) {
            i = (i + 1) & masqMask;
        }
        masqHi[i] = h;
        masqLo[i] = l;
        masqMeta[i] = t;
    }

    private boolean hasMasq(long h, long l, int proto, int port) {
        int t = tag(proto, port);
        int i = slot(h, l, proto, port, masqMask);
        while (true) {
            int k = masqMeta[i];
            if (k == 0) {
                return false;
            }
            if (k == t && masqHi[i] == h && masqLo[i] == l) {
                return true;
            }
            i = (i + 1) & masqMask;
        }
    }

    private static int tag(int protocol, int port) {
        return USED | (protocol & 0xff) << 16 | (port & 0xffff);
    }

    private static int slot(long h, long l, int protocol, int port, int mask) {
        long z = (h * 0x9E3779B97F4A7C15L) ^ l ^ ((long) protocol << 16 | port);
        z *= 0xD6E8FEB86659FD93L;
        z ^= z >>> 32;
        z *= 0x9E3779B97F4A7C15L;
        return (int) (z ^ (z >>> 29)) & mask;
    }
}
