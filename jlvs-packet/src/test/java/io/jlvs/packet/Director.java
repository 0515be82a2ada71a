package io.jlvs.packet;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.engine.IpvsEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A director under test: an engine, an in-memory interface, one data plane and a fake clock. */
final class Director implements AutoCloseable {
    static final long OUR_MAC = 0x02_00_00_00_00_d1L;
    static final long CLIENT_MAC = 0x02_00_00_00_00_0cL;
    static final long RS1_MAC = 0x02_00_00_00_01_11L;
    static final long RS2_MAC = 0x02_00_00_00_01_12L;
    static final long GATEWAY_MAC = 0x02_00_00_00_00_01L;
    static final String LOCAL = "10.77.0.2";
    static final String VIP = "10.77.0.100";
    static final String CLIENT = "192.0.2.10";
    static final String RS1 = "10.0.0.11";
    static final String RS2 = "10.0.0.12";
    static final int MTU = 1500;
    static final long SECOND = 1_000_000_000L;
    static final int FIRST_IP_ID = 0x100;

    final IpvsEngine engine = new IpvsEngine();
    final MemoryPacketIo io;
    final Map<Integer, Long> neighbours = new HashMap<>();
    /** IPv6 next hops, by address as {@link IpAddress#parse} reads it. */
    final Map<IpAddress, Long> neighbours6 = new HashMap<>();
    /** IPv6 addresses with no route through the director's links (its own, say). */
    final java.util.Set<IpAddress> unreachable6 = new java.util.HashSet<>();
    /** Addresses with no route through the director's links. */
    final java.util.Set<Integer> unreachable = new java.util.HashSet<>();
    /** Per address, the preferred source of the route to it ({@link NeighbourTable#preferredSource}). */
    final Map<Integer, Integer> sources = new HashMap<>();
    /** Per IPv6 address, the preferred source of the route to it ({@link NeighbourTable#preferredSource6}). */
    final Map<IpAddress, IpAddress> sources6 = new HashMap<>();
    final long[] clock = {1_000 * SECOND};
    final Dataplane dataplane;

    Director() {
        this(ConnTableSettings.DEFAULTS);
    }

    Director(ConnTableSettings settings) {
        this(settings, MTU);
    }

    /** A director whose link has {@code mtu}. */
    Director(ConnTableSettings settings, int mtu) {
        // no ICMP limits: tests send errors faster than the kernel's limits allow (IcmpRateLimitTest checks them)
        this(new DataplaneConfig(PacketBuilder.addr(LOCAL), 4096, settings, 7, 1024, true, FIRST_IP_ID,
                IcmpLimits.NONE), mtu);
    }

    Director(DataplaneConfig config) {
        this(config, MTU);
    }

    private Director(DataplaneConfig config, int mtu) {
        io = new MemoryPacketIo(OUR_MAC, mtu, 64, 9216);
        neighbours.put(PacketBuilder.addr(CLIENT), CLIENT_MAC);
        neighbours.put(PacketBuilder.addr(RS1), RS1_MAC);
        neighbours.put(PacketBuilder.addr(RS2), RS2_MAC);
        dataplane = new Dataplane(io, config, new NeighbourTable() {
            @Override
            public long nextHopMac(int ip) {
                return neighbours.getOrDefault(ip, NeighbourTable.UNKNOWN);
            }

            @Override
            public boolean unreachable(int ip) {
                return unreachable.contains(ip);
            }

            @Override
            public int preferredSource(int ip) {
                return sources.getOrDefault(ip, 0);
            }

            @Override
            public long nextHopMac6(long hi, long lo) {
                return neighbours6.getOrDefault(IpAddress.ofV6(hi, lo), NeighbourTable.UNKNOWN);
            }

            @Override
            public boolean unreachable6(long hi, long lo) {
                return unreachable6.contains(IpAddress.ofV6(hi, lo));
            }

            @Override
            public boolean preferredSource6(long hi, long lo, long[] into) {
                IpAddress source = sources6.get(IpAddress.ofV6(hi, lo));
                if (source == null) {
                    return false;
                }
                into[0] = source.hi();
                into[1] = source.lo();
                return true;
            }
        }, () -> clock[0]);
        dataplane.attachTo(engine);
    }

    static InetServiceKey key(Protocol p, String vip, int port) {
        return new InetServiceKey(p, IpAddress.parse(vip), port);
    }

    Director service(VirtualService s) throws IpvsException {
        engine.execute(new IpvsCommand.AddService(s));
        return this;
    }

    Director service(Protocol p, int port, String scheduler) throws IpvsException {
        return service(VirtualService.of(key(p, VIP, port), scheduler));
    }

    Director persistentService(VirtualServiceKey key, String scheduler, int timeout, String netmask)
            throws IpvsException {
        return service(new VirtualService(key, scheduler, Set.of(), timeout, IpAddress.parse(netmask).v4(), false, null));
    }

    Director server(VirtualServiceKey key, String rs, int port, ForwardingMethod method, int weight)
            throws IpvsException {
        engine.execute(new IpvsCommand.AddServer(key, RealServer.of(IpAddress.parse(rs), port, method, weight)));
        return this;
    }

    Director tunnelServer(VirtualServiceKey key, String rs, int port, TunnelType type) throws IpvsException {
        return tunnelServer(key, rs, port, type, TunnelChecksum.NOCSUM);
    }

    /** A tunnel server; GUE ones listen on port 6080. */
    Director tunnelServer(VirtualServiceKey key, String rs, int port, TunnelType type, TunnelChecksum checksum)
            throws IpvsException {
        engine.execute(new IpvsCommand.AddServer(key, new RealServer(IpAddress.parse(rs), port,
                ForwardingMethod.TUNNEL, 1, 0, 0, type, type == TunnelType.GUE ? 6080 : 0, checksum)));
        return this;
    }

    Director weight(VirtualServiceKey key, String rs, int port, ForwardingMethod method, int weight)
            throws IpvsException {
        engine.execute(new IpvsCommand.EditServer(key, RealServer.of(IpAddress.parse(rs), port, method, weight)));
        return this;
    }

    /** Feeds one frame through the data plane; returns what it transmitted. */
    List<byte[]> send(byte[] frame) {
        if (!io.inject(frame)) {
            throw new IllegalStateException("receive ring full");
        }
        dataplane.runOnce();
        return io.takeTransmitted();
    }

    Verdict verdict() {
        return dataplane.lastVerdict();
    }

    void advance(long seconds) {
        clock[0] += seconds * SECOND;
        dataplane.runOnce();
    }

    List<ConnectionView> connections() {
        return engine.connections();
    }

    @Override
    public void close() {
        io.close();
    }
}
