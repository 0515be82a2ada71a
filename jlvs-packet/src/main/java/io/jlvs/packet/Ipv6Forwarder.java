package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.InboundVerdict;
import io.jlvs.conn.PersistenceKeys;
import io.jlvs.conn.TcpState;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.io.PacketIo;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.stats.IpvsCounters;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncProtocol;
import java.lang.foreign.MemorySegment;

/**
 * The IPv6 part of a worker's data plane (EtherType 0x86DD): TCP and UDP to an IPv6 virtual service are
 * scheduled (the engine's schedulers, persistence and weights), get their connection entry in the worker's
 * {@link ConnTable} (keyed as IPv6) and are forwarded by Direct Routing (MAC rewritten, hop limit less one),
 * NAT (destination address and port rewritten, transport checksum updated incrementally over the 128-bit
 * addresses) or TUN (IPv6-in-IPv6, GUE or GRE to the real server, {@link Ipv6Tunnel}); NAT replies from the real
 * server are made to come from the virtual service again. As IPVS's
 * {@code __ip_vs_get_out_rt_v6}: a hop limit that would reach 0 gets ICMPv6 time exceeded
 * ({@code decrement_ttl}), a packet larger than the MTU gets ICMPv6 packet too big
 * ({@code __mtu_check_toobig_v6}; IPv6 routers never fragment). The transport header is found past
 * hop-by-hop, destination-options and spent routing headers (as {@code ipv6_find_hdr}); fragments are put
 * together first and the datagram leaves cut again as Linux's defragmentation for IPVS and its output do
 * ({@link Ipv6Fragments}); any other extension header is dropped and counted. ICMPv6 errors about a connection are forwarded (translated
 * for NAT) as IPVS's; other ICMPv6 (neighbour discovery, echo) is the kernel's. The worker's {@link FtpHelper}
 * (when on) watches IPv6 NAT FTP control connections as IPv4 ones.
 * Not done: SCTP, fwmark services, the XDP fast path.
 *
 * <p><b>Owner: the worker thread</b> of the {@link Dataplane} that made it; it shares that worker's
 * connection table and per-connection arrays. Nothing is allocated per packet.
 */
final class Ipv6Forwarder {
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    /** Extension headers walked before giving up (a chain longer than this is not a real packet's). */
    private static final int MAX_EXTENSIONS = 8;
    /** ICMPv6 types (RFC 4443). */
    static final int TYPE_DEST_UNREACH = 1;
    static final int TYPE_PACKET_TOO_BIG = 2;
    static final int TYPE_TIME_EXCEEDED = 3;
    static final int TYPE_PARAMETER_PROBLEM = 4;
    static final int CODE_PORT_UNREACH = 4;
    /** The hop limit of the errors we originate, Linux's default. */
    private static final int ICMP_HOP_LIMIT = 64;
    private static final int ICMP_HEADER = 8;
    private static final int MAX_QUOTE = Ipv6Header.MIN_MTU - Ipv6Header.LENGTH - ICMP_HEADER;

    private final PacketIo io;
    private final ConnTable table;
    private final IpvsCounters[] connService;
    private final byte[] connMethod;
    private final int[] connInPkts;
    private final byte[] connOldState;
    private final int[] connMark;
    private final NeighbourTable neighbours;
    private final Egress egress;
    private final Defense defense;
    private final IcmpRateLimit icmpLimit;
    private final FlowKey flow = new FlowKey();
    /** The TUN method's encapsulations, and the outer source of the packet being tunnelled. */
    private final Ipv6Tunnel tunnel = new Ipv6Tunnel();
    private final long[] tunnelSource = new long[2];
    /** The worker's accounting of a client packet for connection sync (the master's threshold and period). */
    private final java.util.function.IntConsumer clientPacket;
    /** The worker's FTP helper, or null (off). */
    private final FtpHelper ftp;
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[Ipv6Header.MIN_MTU + 64]);
    /** The segment cut last from a TCP super-packet (GRO on the director's link, TSO/GSO of a local sender). */
    private final MemorySegment segment = MemorySegment.ofArray(new byte[65536 + 64]);
    /** Handling the segments of a super-packet (the I/O's segment size is the super-packet's). */
    private boolean cutting;
    /** Fragments put together before anything looks at the datagram, and cut again on the way out. */
    private final Ipv6Fragments fragments = new Ipv6Fragments(65536 + 64);
    /** The Fragment header {@link #findTransport} stopped at, and the byte that named it. */
    private long fragmentAt;
    private long fragmentNamedAt;
    private long segmentedPackets;
    private long checksumsCompleted;
    private long icmpSent;
    private long routed;
    /** The director's own IPv6 addresses as (hi, lo) pairs; set by any thread, read by the worker. */
    private volatile long[] ownAddresses = new long[0];
    /**
     * Where ICMPv6 errors about routed frames come from, as (hi, lo): one of the director's own addresses (the
     * lowest global one, a stable choice), as Linux's icmp6_send takes a director address when the packet's
     * destination is not its own; empty when the director has none (such errors are then not sent).
     */
    private volatile long[] errorSource = new long[0];
    private long icmpNoSource;
    private static final long MULTICAST_BIT = 1L << 40;
    private DropReason dropReason;
    private DropReason pickFailure;
    private int pickedTemplate;

    // The packet being handled.
    private Ipv6Services services;
    /** The worker's frames waiting for a next hop (replaced by the worker when the MTU grows). */
    private NeighbourQueue unresolved;
    private int mtu;
    private long now;
    private long ip;
    private int total;
    private int proto;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private long l4;
    private int l4len;
    private int sport;
    private int dport;
    private int info;

    Ipv6Forwarder(PacketIo io, ConnTable table, IpvsCounters[] connService, byte[] connMethod, int[] connInPkts,
                  byte[] connOldState, int[] connMark, NeighbourTable neighbours, Egress egress, Defense defense,
                  IcmpRateLimit icmpLimit, java.util.function.IntConsumer clientPacket, FtpHelper ftp) {
        this.clientPacket = clientPacket;
        this.ftp = ftp;
        this.io = io;
        this.table = table;
        this.connService = connService;
        this.connMethod = connMethod;
        this.connInPkts = connInPkts;
        this.connOldState = connOldState;
        this.connMark = connMark;
        this.neighbours = neighbours;
        this.egress = egress;
        this.defense = defense;
        this.icmpLimit = icmpLimit;
    }

    /** ICMPv6 errors sent. */
    long icmpSent() {
        return icmpSent;
    }

    /** Why the last {@link Verdict#DROP} was given. */
    DropReason dropReason() {
        return dropReason;
    }

    /**
     * Handles an IPv6 frame ({@code l2} bytes of Ethernet header, {@code len} bytes in all).
     *
     * @param routeUnclaimed the kernel guard keeps a NAT real server's frames from the kernel
     */
    Verdict handle(MemorySegment s, long off, int l2, int len, ServiceTable table, int mtu, long now,
                   boolean routeUnclaimed, NeighbourQueue unresolved) {
        this.unresolved = unresolved;
        int gso = cutting ? 0 : io.receivedSegmentSize();
        if (gso > 0 && !table.v6().isEmpty()) {
            return cut(s, off, l2, len, gso, table, mtu, now, routeUnclaimed);
        }
        this.services = table.v6();
        this.mtu = mtu;
        this.now = now;
        ip = off + l2;
        int avail = len - l2;
        if (avail < Ipv6Header.LENGTH) {
            return drop(DropReason.SHORT_FRAME);
        }
        if (Ipv6Header.version(s, ip) != 6) {
            return drop(DropReason.BAD_IP_VERSION);
        }
        if (services.isEmpty()) {
            return Verdict.PASS;
        }
        srcHi = Ipv6Header.srcHi(s, ip);
        srcLo = Ipv6Header.srcLo(s, ip);
        dstHi = Ipv6Header.dstHi(s, ip);
        dstLo = Ipv6Header.dstLo(s, ip);
        boolean toService = services.isVirtualAddress(dstHi, dstLo);
        if (!toService && !services.isMasqServer(srcHi, srcLo)) {
            return Verdict.PASS;
        }
        int payload = Ipv6Header.payloadLength(s, ip);
        if (payload == 0) {
            // a jumbogram (RFC 2675) or nothing at all: neither is a service's
            return drop(DropReason.BAD_IP_LENGTH);
        }
        total = Ipv6Header.LENGTH + payload;
        if (total > avail) {
            return drop(total > mtu ? DropReason.OVERSIZED : DropReason.SHORT_FRAME);
        }
        DropReason bad = findTransport(s);
        if (bad == DropReason.FRAGMENT) {
            return reassemble(s, off, l2, table, routeUnclaimed);
        }
        if (bad != null) {
            return drop(bad);
        }
        if (proto == Ipv6Header.PROTO_ICMPV6) {
            // an error about one of our connections is forwarded (translated for NAT); neighbour discovery, echo
            // and errors about nothing of ours are the kernel's
            return icmpError(s, off, l2, toService, routeUnclaimed);
        }
        if (toService) {
            return inbound(s, off, l2);
        }
        return outbound(s, off, l2, routeUnclaimed);
    }

    private Verdict drop(DropReason reason) {
        dropReason = reason;
        return Verdict.DROP;
    }

    /** The worker's IPv6 fragments: reassembly, re-fragmentation and their counters. */
    Ipv6Fragments fragments() {
        return fragments;
    }

    /**
     * A fragment to a virtual address or from a NAT real server: held until its datagram is whole, which is then
     * handled as one packet, as IPVS sees what nf_defrag_ipv6 put together (a fragment inside a datagram put
     * together is not taken again: {@code FRAGMENT}).
     */
    private Verdict reassemble(MemorySegment s, long off, int l2, ServiceTable table, boolean routeUnclaimed) {
        if (fragments.handlingWhole()) {
            return drop(DropReason.FRAGMENT);
        }
        switch (fragments.add(s, off, l2, fragmentAt, fragmentNamedAt, now)) {
            case HELD -> {
                return Verdict.QUEUED;
            }
            case REFUSED -> {
                return drop(DropReason.FRAGMENT);
            }
            default -> {
                fragments.enter();
                try {
                    return handle(fragments.frame(), fragments.offset(), fragments.linkLength(), fragments.length(),
                            table, mtu, now, routeUnclaimed, unresolved);
                } finally {
                    fragments.leave();
                }
            }
        }
    }

    /**
     * Sends the current packet to {@code mac}: as it is, or, a datagram put together here that does not fit,
     * as fragments ({@link Ipv6Fragments#send}).
     */
    private Verdict send(MemorySegment s, long off, int l2, long mac) {
        if (fragments.mustCut(total, mtu)) {
            DropReason failed = fragments.send(s, off, l2, mtu, mac, egress);
            return failed == null ? Verdict.FORWARD : drop(failed);
        }
        return egress.inPlace(s, off, l2 + total, mac) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
    }
    /** TCP super-packets cut into their segments here. */
    long segmentedPackets() {
        return segmentedPackets;
    }

    /** TCP and UDP checksums left for the card (a sender on this host) finished here. */
    long checksumsCompleted() {
        return checksumsCompleted;
    }

    /**
     * A TCP super-packet (merged by GRO on the director's link, or from a sender on this host with TSO/GSO):
     * cut into the segments its sender meant, {@code size} bytes of payload each (headers copied, sequence
     * numbers advanced, FIN and PSH on the last segment only, CWR on the first only, the checksum computed in
     * full), each handled as a frame. The super-packet takes one verdict: FORWARD when any segment was
     * forwarded, else the last segment's. One without extension headers only; others are dropped as merged.
     */
    private Verdict cut(MemorySegment s, long off, int l2, int len, int size, ServiceTable table, int mtu, long now,
                        boolean routeUnclaimed) {
        long at = off + l2;
        if (len - l2 < Ipv6Header.LENGTH + TcpHeader.MIN_LENGTH || Ipv6Header.version(s, at) != 6
                || Ipv6Header.nextHeader(s, at) != PROTO_TCP) {
            return drop(DropReason.OVERSIZED);
        }
        int packet = Ipv6Header.LENGTH + Ipv6Header.payloadLength(s, at);
        long tcp = at + Ipv6Header.LENGTH;
        int doff = TcpHeader.headerLength(s, tcp);
        if (packet > len - l2 || doff < TcpHeader.MIN_LENGTH || Ipv6Header.LENGTH + doff > packet
                || l2 + Ipv6Header.LENGTH + doff + size > segment.byteSize()) {
            return drop(DropReason.OVERSIZED);
        }
        segmentedPackets++;
        int header = l2 + Ipv6Header.LENGTH + doff;
        int payload = packet - Ipv6Header.LENGTH - doff;
        int seq = Wire.u32(s, tcp + 4);
        int flags = TcpHeader.flags(s, tcp);
        long sHi = Ipv6Header.srcHi(s, at);
        long sLo = Ipv6Header.srcLo(s, at);
        long dHi = Ipv6Header.dstHi(s, at);
        long dLo = Ipv6Header.dstLo(s, at);
        Verdict verdict = drop(DropReason.OVERSIZED);
        boolean forwarded = false;
        cutting = true;
        try {
            for (int done = 0; done < payload || done == 0; ) {
                int n = Math.min(size, payload - done);
                MemorySegment.copy(s, off, segment, 0, header);
                MemorySegment.copy(s, off + header + done, segment, header, n);
                long ip6 = l2;
                long t = ip6 + Ipv6Header.LENGTH;
                Ipv6Header.payloadLength(segment, ip6, doff + n);
                Wire.u32(segment, t + 4, seq + done);
                boolean last = done + n >= payload;
                int f = flags & ~((last ? 0 : 0x09) | (done == 0 ? 0 : 0x80));
                Wire.u8(segment, t + TcpHeader.FLAGS, f);
                Wire.u16(segment, t + TcpHeader.CHECKSUM, 0);
                int sum = InternetChecksum.sum(segment, t, doff + n,
                        Ipv6Header.pseudoHeader(sHi, sLo, dHi, dLo, doff + n, PROTO_TCP));
                Wire.u16(segment, t + TcpHeader.CHECKSUM, InternetChecksum.finish(sum));
                verdict = handle(segment, 0, l2, header + n, table, mtu, now, routeUnclaimed, unresolved);
                forwarded |= verdict == Verdict.FORWARD;
                done += n;
                if (n == 0) {
                    break;
                }
            }
        } finally {
            cutting = false;
        }
        return forwarded ? Verdict.FORWARD : verdict;
    }

    /**
     * Finishes in place a TCP/UDP checksum left for the card (Linux CHECKSUM_PARTIAL: a sender on this host over
     * veth or a bridge with checksum offload on): the field then holds the folded pseudo-header sum, and the
     * segment does not verify; it gets the full checksum (as {@link InternetChecksum#completePartial} for IPv4).
     */
    private void completePartial(MemorySegment s, int length, int fieldAt) {
        int field = Wire.u16(s, l4 + fieldAt);
        int pseudo = Ipv6Header.pseudoHeader(srcHi, srcLo, dstHi, dstLo, length, proto);
        if (field != pseudo) {
            return;
        }
        int sum = InternetChecksum.sum(s, l4, length, 0);
        if (InternetChecksum.fold((long) pseudo + sum) == 0xffff) {
            return;
        }
        int c = InternetChecksum.finish(sum);
        Wire.u16(s, l4 + fieldAt, c == 0 && proto == PROTO_UDP ? 0xffff : c);
        checksumsCompleted++;
    }

    /**
     * Walks the extension headers to the transport header ({@link #proto}, {@link #l4}, {@link #l4len}); null
     * when found, else why not.
     */
    private DropReason findTransport(MemorySegment s) {
        int next = Ipv6Header.nextHeader(s, ip);
        long at = ip + Ipv6Header.LENGTH;
        long end = ip + total;
        long named = ip + Ipv6Header.NEXT_HEADER;
        for (int n = 0; ; n++) {
            switch (next) {
                case Ipv6Header.HOP_BY_HOP, Ipv6Header.DESTINATION_OPTIONS, Ipv6Header.ROUTING -> {
                    if (n == MAX_EXTENSIONS || end - at < 8) {
                        return DropReason.IPV6_EXTENSION;
                    }
                    if (next == Ipv6Header.ROUTING && Wire.u8(s, at + 3) != 0) {
                        // segments left: the destination is not the final one
                        return DropReason.IPV6_EXTENSION;
                    }
                    if (next == Ipv6Header.HOP_BY_HOP && n != 0) {
                        // only right after the IPv6 header (RFC 8200 §4.3)
                        return DropReason.IPV6_EXTENSION;
                    }
                    int length = (Wire.u8(s, at + 1) + 1) * 8;
                    next = Wire.u8(s, at);
                    named = at;
                    at += length;
                    if (at > end) {
                        return DropReason.IPV6_EXTENSION;
                    }
                }
                case Ipv6Header.FRAGMENT -> {
                    if (n == MAX_EXTENSIONS || end - at < 8) {
                        return DropReason.IPV6_EXTENSION;
                    }
                    if ((Wire.u16(s, at + 2) & 0xfff9) != 0) {
                        // a fragment: its datagram is put together first
                        fragmentAt = at;
                        fragmentNamedAt = named;
                        return DropReason.FRAGMENT;
                    }
                    // an atomic fragment (offset 0, no M): a packet of its own, handled as unfragmented (RFC 6946)
                    // and forwarded with its Fragment header
                    next = Wire.u8(s, at);
                    named = at;
                    at += 8;
                }
                case PROTO_TCP, PROTO_UDP, Ipv6Header.PROTO_ICMPV6 -> {
                    proto = next;
                    l4 = at;
                    l4len = (int) (end - at);
                    return null;
                }
                default -> {
                    return DropReason.IPV6_EXTENSION;
                }
            }
        }
    }

    /** Reads ports and the TCP flags; null when well formed. */
    private DropReason parseTransport(MemorySegment s) {
        if (proto == PROTO_TCP) {
            if (l4len < TcpHeader.MIN_LENGTH) {
                return DropReason.SHORT_FRAME;
            }
            int doff = TcpHeader.headerLength(s, l4);
            if (doff < TcpHeader.MIN_LENGTH || doff > l4len) {
                return DropReason.BAD_TCP_OFFSET;
            }
            info = TcpHeader.flags(s, l4);
            if (!cutting) {
                completePartial(s, l4len, TcpHeader.CHECKSUM);
            }
        } else {
            if (l4len < UdpHeader.LENGTH) {
                return DropReason.SHORT_FRAME;
            }
            int ulen = UdpHeader.length(s, l4);
            if (ulen < UdpHeader.LENGTH || ulen > l4len) {
                return DropReason.BAD_UDP_LENGTH;
            }
            // checksum 0 (which IPv6 forbids) is not checked, as udp_csum_check skips it: DR forwards the datagram
            // as it is, NAT computes its checksum in full (rewritePort)
            completePartial(s, ulen, UdpHeader.CHECKSUM);
            info = 0;
        }
        sport = Wire.u16(s, l4);
        dport = Wire.u16(s, l4 + 2);
        return null;
    }

    // ---------------------------------------------------------------- client to service

    private Verdict inbound(MemorySegment s, long off, int l2) {
        if (proto != PROTO_TCP && proto != PROTO_UDP) {
            return drop(DropReason.NO_SERVICE);
        }
        DropReason bad = parseTransport(s);
        if (bad != null) {
            return drop(bad);
        }
        int id = table.lookupIn(proto, true, srcHi, srcLo, sport, dstHi, dstLo, dport);
        if (id >= 0) {
            InboundVerdict v = table.admitInbound(id, ConnTable.isNewConnection(proto, info), now);
            if (v == InboundVerdict.DROP) {
                return drop(DropReason.DESTINATION_REMOVED);
            }
            if (v == InboundVerdict.RESCHEDULE) {
                id = ConnTable.NO_ENTRY;
            }
        }
        if (id >= 0) {
            if (ftp != null) {
                // an FTP data connection expected without its client port gets this one (ip_vs_conn_fill_cport)
                table.fillClientPort(id, sport);
            }
            table.onPacket(id, ConnTable.INPUT, info, now);
            clientPacket.accept(id);
            if (ftpControl(id) && !ftp.fromClient(s, l4, l4len, id, table.state(id), now)) {
                return drop(DropReason.TABLE_FULL);
            }
            DestinationState d = table.destination(id);
            connService[id].inbound(1, total);
            d.counters().inbound(1, total);
            if (connMethod[id] >= Dataplane.M_TUNNEL) {
                // an edited tunnel type, port or checksum applies at the next packet, as IPVS reads the destination's
                byte edited = methodCode(d.config());
                connMethod[id] = edited >= Dataplane.M_TUNNEL ? edited : connMethod[id];
            }
            return toServer(s, off, l2, connMethod[id], table.destinationHi(id), table.destinationLo(id),
                    table.destinationPort(id), d.config().tunnelPort());
        }
        ServiceRuntime svc = services.find(proto, dstHi, dstLo, dport);
        if (svc == null) {
            svc = services.find(proto, dstHi, dstLo, 0);
        }
        if (svc == null) {
            return drop(DropReason.NO_SERVICE);
        }
        if (!opensConnection()) {
            return drop(DropReason.NO_CONNECTION);
        }
        return schedule(s, off, l2, svc);
    }

    /** A TCP SYN (with sloppy_tcp any segment but a RST) or any UDP datagram, as IPVS. */
    private boolean opensConnection() {
        ConnTableSettings cs = table.settings();
        if (proto == PROTO_TCP) {
            return cs.sloppyTcp() ? (info & TcpState.FLAG_RST) == 0 : (info & TcpState.FLAG_SYN) != 0;
        }
        return true;
    }

    private Verdict schedule(MemorySegment s, long off, int l2, ServiceRuntime svc) {
        if (defense.dropNewConnection()) {
            return drop(DropReason.DEFENSE);
        }
        DestinationState dest = pick(svc);
        if (dest == null) {
            if (pickFailure == DropReason.NO_DESTINATION) {
                icmpError(s, off, l2, TYPE_DEST_UNREACH, CODE_PORT_UNREACH, 0, dstHi, dstLo);
            }
            return drop(pickFailure);
        }
        RealServer r = dest.config();
        byte method = methodCode(r);
        if (method == 0) {
            return drop(DropReason.UNSUPPORTED_METHOD);
        }
        long rsHi = r.address().hi();
        long rsLo = r.address().lo();
        int rsPort = r.port() != 0 ? r.port() : dport;
        if (svc.config().onePacket() && proto == PROTO_UDP) {
            svc.counters().connection();
            dest.counters().connection();
            svc.counters().inbound(1, total);
            dest.counters().inbound(1, total);
            return toServer(s, off, l2, method, rsHi, rsLo, rsPort, r.tunnelPort());
        }
        int id = table.create(proto, true, srcHi, srcLo, sport, dstHi, dstLo, dport, true, rsHi, rsLo, rsPort,
                dest, method != Dataplane.M_MASQ, pickedTemplate, now);
        if (id < 0) {
            return drop(DropReason.TABLE_FULL);
        }
        connService[id] = svc.counters();
        connMethod[id] = method;
        connMark[id] = 0;
        connOldState[id] = 0;
        connInPkts[id] = 0;
        ftpCreated(id, method, dport);
        svc.counters().connection();
        dest.counters().connection();
        table.onPacket(id, ConnTable.INPUT, info, now);
        clientPacket.accept(id);
        svc.counters().inbound(1, total);
        dest.counters().inbound(1, total);
        return toServer(s, off, l2, method, rsHi, rsLo, rsPort, r.tunnelPort());
    }

    /**
     * Whether the IPv6 path takes an IPv6 service's traffic: it has an IPv6 Masq, Route or Tunnel real server, or
     * none at all (a new connection gets IPVS's port unreachable). One whose real servers are all FULLNAT (the
     * proxy's, which listens in the kernel's stack), LOCAL, GUE tunnels without a port or IPv4 is left to the
     * kernel: not in the guard, the packet filter or {@link Ipv6Services}.
     */
    static boolean forwards(ServiceRuntime rt) {
        return Dataplane.forwardsAny(rt, r -> methodCode(r) != 0);
    }

    /**
     * The method code of an IPv6 real server: MASQ, DROUTE, or a tunnel's (IPIP stands for IPv6-in-IPv6); 0 for
     * anything else (IPv4 servers, LOCAL, FULLNAT, GUE without a port). GUE with {@code --tun-remcsum} sends a
     * checksum, as the kernel's tunnel transmitter computes one for csum and remcsum alike (the remote-checksum
     * option itself only for packets with a partial checksum, which forwarded ones are not).
     */
    private static byte methodCode(RealServer r) {
        if (r.address().isV4()) {
            return 0;
        }
        ForwardingMethod m = r.method();
        if (m == ForwardingMethod.MASQ) {
            return Dataplane.M_MASQ;
        }
        if (m == ForwardingMethod.DROUTE) {
            return Dataplane.M_DROUTE;
        }
        if (m != ForwardingMethod.TUNNEL) {
            return 0;
        }
        boolean checksum = r.tunnelChecksum() != TunnelChecksum.NOCSUM;
        return switch (r.tunnelType()) {
            case IPIP -> Dataplane.M_TUNNEL;
            case GUE -> r.tunnelPort() == 0 ? 0 : checksum ? Dataplane.M_GUE_CSUM : Dataplane.M_GUE;
            // remcsum (which ipvsadm and keepalived refuse for GRE) sends none: GRE looks at the csum flag only
            case GRE -> r.tunnelChecksum() == TunnelChecksum.CSUM ? Dataplane.M_GRE_CSUM : Dataplane.M_GRE;
        };
    }

    /**
     * The real server for a new connection of the current tuple: its persistence template's (the client under
     * the service's prefix length), or the scheduler's; null when there is none ({@link #pickFailure}).
     */
    private DestinationState pick(ServiceRuntime svc) {
        VirtualService cfg = svc.config();
        flow.set(true, proto, srcHi, srcLo, sport, dstHi, dstLo, dport, now);
        pickedTemplate = ConnTable.NO_ENTRY;
        pickFailure = DropReason.NO_DESTINATION;
        if (!cfg.persistent()) {
            return svc.schedule(flow);
        }
        int prefix = cfg.netmaskPrefixLength();
        long clientHi = PersistenceKeys.maskHi(true, srcHi, prefix);
        long clientLo = PersistenceKeys.maskLo(true, srcLo, prefix);
        int vPort = cfg.key() instanceof InetServiceKey k ? k.port() : 0;
        int template = table.findTemplate(proto, true, clientHi, clientLo, dstHi, dstLo, vPort, now);
        if (template >= 0) {
            pickedTemplate = template;
            return table.destination(template);
        }
        DestinationState dest = svc.schedule(flow);
        if (dest == null) {
            return null;
        }
        RealServer r = dest.config();
        template = table.createTemplate(proto, true, clientHi, clientLo, dstHi, dstLo, vPort, !r.address().isV4(),
                r.address().hi(), r.address().lo(), r.port(), dest, cfg.persistenceTimeout(), now);
        if (template < 0) {
            pickFailure = DropReason.TABLE_FULL;
            return null;
        }
        pickedTemplate = template;
        return dest;
    }

    /**
     * Sends the current packet to a real server: DR as it is, NAT to {@code rsPort}, TUN encapsulated (to the
     * real server's {@code tunnelPort} for GUE); hop limit less one.
     */
    private Verdict toServer(MemorySegment s, long off, int l2, byte method, long rsHi, long rsLo, int rsPort,
                             int tunnelPort) {
        if (Ipv6Header.hopLimit(s, ip) <= 1) {
            icmpError(s, off, l2, TYPE_TIME_EXCEEDED, 0, 0, dstHi, dstLo);
            return drop(DropReason.TTL_EXPIRED);
        }
        long mac = neighbours.nextHopMac6(rsHi, rsLo);
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        if (method >= Dataplane.M_TUNNEL) {
            return tunnel(s, off, l2, method, tunnelPort, rsHi, rsLo, mac);
        }
        if (fragments.tooBig(total, mtu)) {
            return tooBig(s, off, l2, dstHi, dstLo);
        }
        if (method == Dataplane.M_MASQ) {
            rewritePort(s, dstHi, dstLo, rsHi, rsLo, 2, dport, rsPort);
            Ipv6Header.dst(s, ip, rsHi, rsLo);
        } else if (method != Dataplane.M_DROUTE) {
            return drop(DropReason.UNSUPPORTED_METHOD);
        }
        Ipv6Header.decrementHopLimit(s, ip);
        return send(s, off, l2, mac);
    }

    /**
     * TUN, as IPVS's {@code ip_vs_tunnel_xmit_v6}: the hop limit less one first ({@code decrement_ttl}), then the
     * tunnel's MTU, the link's less the outer headers ({@link Ipv6Tunnel#overhead}): under IPv6's minimum of
     * 1,280 the kernel tunnels nothing and sends no error (dropped as {@code TOO_BIG}); a packet over it gets
     * ICMPv6 packet too big with that MTU from the virtual address ({@code FRAG_NEEDED}), quoting it as it would
     * have gone inside (a segment cut from a super-packet too: its sender sent it so); a datagram put together from
     * fragments only when its largest fragment was over it, and its outer packet then leaves cut to that size
     * ({@link Ipv6Fragments}). The outer source is what the
     * kernel's route to the real server picks ({@link NeighbourTable#preferredSource6}), else the director's
     * lowest global address; with neither the packet waits as for an unknown next hop ({@code NO_NEIGHBOUR}).
     */
    private Verdict tunnel(MemorySegment s, long off, int l2, byte method, int guePort, long rsHi, long rsLo,
                           long mac) {
        Ipv6Header.decrementHopLimit(s, ip);
        int room = mtu - Ipv6Tunnel.overhead(method);
        if (room < Ipv6Header.MIN_MTU) {
            return drop(DropReason.TOO_BIG);
        }
        if (fragments.tooBig(total, room)) {
            icmpError(s, off, l2, TYPE_PACKET_TOO_BIG, 0, room, dstHi, dstLo);
            return drop(DropReason.FRAG_NEEDED);
        }
        long[] from = tunnelSource;
        if (!neighbours.preferredSource6(rsHi, rsLo, from)) {
            from = errorSource;
            if (from.length == 0) {
                return drop(DropReason.NO_NEIGHBOUR);
            }
        }
        int length = tunnel.encapsulate(s, off, l2, ip, total, method, guePort, from[0], from[1], rsHi, rsLo);
        if (length < 0) {
            // an outer payload past 65,535 bytes (a link MTU beyond IPv6's without jumbograms)
            return drop(DropReason.TOO_BIG);
        }
        if (fragments.mustCut(length - l2, mtu)) {
            // a datagram put together here: the outer packet leaves as fragments, as ip6_fragment cuts it
            DropReason failed = fragments.sendOuter(tunnel.built(), 0, l2, mtu, mac, egress);
            return failed == null ? Verdict.FORWARD : drop(failed);
        }
        return egress.inPlace(tunnel.built(), 0, length, mac) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
    }

    /**
     * A packet larger than the MTU: ICMPv6 packet too big back to its sender, quoting it as it was sent (before
     * any rewrite), from {@code from}. A GSO super-packet from a sender on this host is not cut for IPv6: dropped
     * as merged.
     */
    private Verdict tooBig(MemorySegment s, long off, int l2, long fromHi, long fromLo) {
        if (io.receivedSegmentSize() > 0) {
            return drop(DropReason.OVERSIZED);
        }
        icmpError(s, off, l2, TYPE_PACKET_TOO_BIG, 0, mtu, fromHi, fromLo);
        return drop(DropReason.FRAG_NEEDED);
    }

    /**
     * Rewrites one address the transport checksum covers (through the pseudo-header) and the port at
     * {@code portAt} (0: source, 2: destination), updating the TCP or UDP checksum incrementally (RFC 1624);
     * a UDP checksum that comes out 0 is sent as 0xffff (0 means none, which IPv6 forbids).
     */
    private void rewritePort(MemorySegment s, long oldHi, long oldLo, long newHi, long newLo, int portAt,
                             int oldPort, int newPort) {
        int field = proto == PROTO_TCP ? TcpHeader.CHECKSUM : UdpHeader.CHECKSUM;
        int c = Wire.u16(s, l4 + field);
        if (proto == PROTO_UDP && c == 0) {
            // no checksum: computed in full over the rewritten datagram, as udp_snat_handler/udp_dnat_handler do
            // (over the IP payload from the UDP header on; never 0)
            Wire.u16(s, l4 + portAt, newPort);
            boolean dst = portAt == 2;
            int pseudo = Ipv6Header.pseudoHeader(dst ? srcHi : newHi, dst ? srcLo : newLo, dst ? newHi : dstHi,
                    dst ? newLo : dstLo, l4len, PROTO_UDP);
            int full = InternetChecksum.finish(InternetChecksum.sum(s, l4, l4len, pseudo));
            Wire.u16(s, l4 + field, full == 0 ? 0xffff : full);
            return;
        }
        c = Ipv6Header.update128(c, oldHi, oldLo, newHi, newLo);
        c = InternetChecksum.update16(c, oldPort, newPort);
        if (proto == PROTO_UDP && c == 0) {
            c = 0xffff;
        }
        Wire.u16(s, l4 + field, c);
        Wire.u16(s, l4 + portAt, newPort);
    }

    // ---------------------------------------------------------------- real server to client

    private Verdict outbound(MemorySegment s, long off, int l2, boolean routeUnclaimed) {
        if ((proto != PROTO_TCP && proto != PROTO_UDP) || parseTransport(s) != null) {
            return Verdict.PASS;
        }
        int id = table.lookupOut(proto, true, srcHi, srcLo, sport, dstHi, dstLo, dport);
        if (id < 0 || connMethod[id] != Dataplane.M_MASQ) {
            if (routeUnclaimed && services.fromMasqService(proto, srcHi, srcLo, sport)) {
                return route(s, off, l2);
            }
            return Verdict.PASS;
        }
        // the FTP helper judges the control connection's state before this segment, as for IPv4
        int stateBefore = table.state(id);
        table.onPacket(id, ConnTable.OUTPUT, info, now);
        connService[id].outbound(1, total);
        table.destination(id).counters().outbound(1, total);
        long vHi = table.virtualHi(id);
        long vLo = table.virtualLo(id);
        if (Ipv6Header.hopLimit(s, ip) <= 1) {
            icmpError(s, off, l2, TYPE_TIME_EXCEEDED, 0, 0, vHi, vLo);
            return drop(DropReason.TTL_EXPIRED);
        }
        if (fragments.tooBig(total, mtu)) {
            // before the rewrite: the real server must recognise its own packet
            return tooBig(s, off, l2, vHi, vLo);
        }
        if (ftpControl(id)) {
            int headers = (int) (l4 - ip);
            int r = ftp.fromServer(s, off, l2, ip, headers, total, id, stateBefore, now);
            if (r == FtpHelper.NO_ROOM) {
                return drop(DropReason.TABLE_FULL);
            }
            if (r == FtpHelper.MOVED) {
                // a 229 reply of another length, rebuilt in the helper's buffer
                s = ftp.frame();
                off = 0;
                ip = l2;
                l4 = ip + headers;
                total = ftp.total();
                l4len = total - headers;
            }
        }
        long mac = neighbours.nextHopMac6(dstHi, dstLo);
        rewritePort(s, srcHi, srcLo, vHi, vLo, 0, sport, table.virtualPort(id));
        Ipv6Header.src(s, ip, vHi, vLo);
        Ipv6Header.decrementHopLimit(s, ip);
        if (mac == NeighbourTable.UNKNOWN) {
            // a new client (the miss is noted): the reply waits for the refresher, as for IPv4, rather than be
            // dropped and sent again by TCP a second later; a segment of a super-packet is dropped (never a
            // connection's first reply)
            // (a datagram put together here that does not fit waits as its fragments)
            boolean queued = fragments.mustCut(total, mtu)
                    ? fragments.queue(s, off, l2, mtu, unresolved, dstHi, dstLo, now)
                    : !cutting && unresolved.add6(s, off, l2 + total, dstHi, dstLo, now);
            return queued ? Verdict.QUEUED : drop(DropReason.NO_NEIGHBOUR);
        }
        return send(s, off, l2, mac);
    }

    /** Whether {@code id} is an FTP control connection ({@link FtpHelper}). */
    private boolean ftpControl(int id) {
        return ftp != null && ftp.isControl(id);
    }

    /** A new entry's FTP role: a control connection when MASQ TCP to one of the helper's ports (as for IPv4). */
    private void ftpCreated(int id, byte method, int virtualPort) {
        if (ftp != null) {
            ftp.created(id, method == Dataplane.M_MASQ && table.protocol(id) == PROTO_TCP && ftp.watches(virtualPort));
        }
    }

    // ---------------------------------------------------------------- connection sync (backup)

    /**
     * Backup: creates or refreshes the IPv6 entry a received record describes, as {@code ip_vs_proc_conn}
     * (the IPv4 path's rules: a connection whose real server changed is replaced, the end of one already
     * replaced is ignored); null when applied, else why not. A record with a mark falls back to its
     * (protocol, address, port) service, as ip_vs_service_find does when no fwmark service has it (there are
     * no IPv6 fwmark services here); fwmark templates are refused.
     */
    SyncDropReason applySynced(SyncConn c, ServiceTable serviceTable,
                                                   long nowNanos) {
        Ipv6Services v6 = serviceTable.v6();
        IpAddress vip = c.virtualAddress();
        IpAddress daddr = c.destination();
        int protocol = c.protocol();
        if (daddr.isV4() || protocol == PersistenceKeys.FWMARK_PROTOCOL) {
            return SyncDropReason.NO_SERVICE;
        }
        ServiceRuntime svc = v6.find(protocol, vip.hi(), vip.lo(), c.virtualPort());
        if (svc == null) {
            svc = v6.find(protocol, vip.hi(), vip.lo(), 0);
        }
        if (svc == null) {
            return SyncDropReason.NO_SERVICE;
        }
        int index = svc.destinations().indexOf(daddr, c.destinationPort());
        if (index < 0) {
            index = svc.destinations().indexOf(daddr, 0);
        }
        DestinationState dest = index < 0 ? null : svc.destinations().get(index);
        byte method = dest == null ? 0 : methodCode(dest.config());
        if (method == 0) {
            return SyncDropReason.NO_REAL_SERVER;
        }
        IpAddress client = c.client();
        int id;
        if (c.template()) {
            id = table.lookupTemplate(protocol, true, client.hi(), client.lo(), vip.hi(), vip.lo(), c.virtualPort());
            if (id >= 0 && (table.destinationHi(id) != daddr.hi() || table.destinationLo(id) != daddr.lo()
                    || table.destinationPort(id) != c.destinationPort())) {
                table.expireNow(id, nowNanos);
                id = table.lookupTemplate(protocol, true, client.hi(), client.lo(), vip.hi(), vip.lo(),
                        c.virtualPort());
            }
            if (id < 0) {
                id = table.createTemplate(protocol, true, client.hi(), client.lo(), vip.hi(), vip.lo(),
                        c.virtualPort(), true, daddr.hi(), daddr.lo(), c.destinationPort(), dest,
                        c.timeoutSeconds() > 0 ? c.timeoutSeconds()
                                : SyncProtocol.V0_TEMPLATE_TIMEOUT, nowNanos);
            }
        } else {
            id = table.lookupIn(protocol, true, client.hi(), client.lo(), c.clientPort(), vip.hi(), vip.lo(),
                    c.virtualPort());
            if (id >= 0 && (table.destinationHi(id) != daddr.hi() || table.destinationLo(id) != daddr.lo()
                    || table.destinationPort(id) != c.destinationPort())) {
                if ((c.flags() & SyncProtocol.F_INACTIVE) != 0) {
                    // the end of a connection already replaced on the master: ignored, as the kernel does
                    return null;
                }
                table.expireNow(id, nowNanos);
                id = ConnTable.NO_ENTRY;
            }
            if (id < 0) {
                id = table.create(protocol, true, client.hi(), client.lo(), c.clientPort(), vip.hi(), vip.lo(),
                        c.virtualPort(), true, daddr.hi(), daddr.lo(), c.destinationPort(), dest,
                        method != Dataplane.M_MASQ, ConnTable.NO_ENTRY, nowNanos);
                if (id >= 0) {
                    connService[id] = svc.counters();
                    connMethod[id] = method;
                    connMark[id] = 0;
                    ftpCreated(id, method, c.virtualPort());
                }
            }
        }
        if (id < 0) {
            return SyncDropReason.TABLE_FULL;
        }
        if (!c.template()) {
            connInPkts[id] = SyncProtocol.SYNC_THRESHOLD;
            connOldState[id] = (byte) c.state();
        }
        table.restore(id, c.state(), c.timeoutSeconds(), nowNanos);
        return null;
    }

    // ---------------------------------------------------------------- ICMPv6 errors about connections

    /**
     * An ICMPv6 error (destination unreachable, packet too big, time exceeded, parameter problem) about a packet
     * of one of our connections, as IPVS's {@code ip_vs_in_icmp_v6} / {@code ip_vs_out_icmp_v6}: to a virtual
     * address, quoting a reply (from the VIP, or from the real server as the VIP in DR) to a client, it goes to
     * the connection's real server (NAT: outer destination and quoted source made the real server's again);
     * from a NAT real server, quoting a client's packet it received, it goes to the client from the VIP (outer
     * source and quoted destination made the virtual service's). The ICMPv6 checksum is updated incrementally
     * (it covers the pseudo-header and the quote); the quoted transport checksum is left as is, as the kernel's.
     * A quote with extension headers (but a first fragment's Fragment header: the ports follow it, as a packet
     * too big about a datagram that left cut again quotes its first fragment), or about no connection, is the
     * kernel's.
     */
    private Verdict icmpError(MemorySegment s, long off, int l2, boolean toService, boolean routeUnclaimed) {
        if (l4len < ICMP_HEADER) {
            return Verdict.PASS;
        }
        int type = Wire.u8(s, l4);
        if (type < TYPE_DEST_UNREACH || type > TYPE_PARAMETER_PROBLEM) {
            return Verdict.PASS;
        }
        long q = l4 + ICMP_HEADER;
        int qproto = l4len >= ICMP_HEADER + Ipv6Header.LENGTH + 8 ? Ipv6Header.nextHeader(s, q) : -1;
        long qt = q + Ipv6Header.LENGTH;
        if (qproto == Ipv6Header.FRAGMENT && l4len >= ICMP_HEADER + Ipv6Header.LENGTH + 16
                && (Wire.u16(s, qt + 2) & 0xfff8) == 0) {
            // a first fragment quoted (a datagram of ours that left cut again, about which a router on the way sent
            // packet too big): its ports follow the Fragment header, where IPVS finds them (ipv6_find_hdr)
            qproto = Wire.u8(s, qt);
            qt += 8;
        }
        if ((qproto != PROTO_TCP && qproto != PROTO_UDP) || Ipv6Header.version(s, q) != 6) {
            return unclaimedError(s, off, l2, toService, routeUnclaimed);
        }
        long qsHi = Ipv6Header.srcHi(s, q);
        long qsLo = Ipv6Header.srcLo(s, q);
        long qdHi = Ipv6Header.dstHi(s, q);
        long qdLo = Ipv6Header.dstLo(s, q);
        int qsport = Wire.u16(s, qt);
        int qdport = Wire.u16(s, qt + 2);
        if (toService) {
            // the quoted packet went from the service to the client
            int id = table.lookupIn(qproto, true, qdHi, qdLo, qdport, qsHi, qsLo, qsport);
            if (id < 0) {
                return Verdict.PASS;
            }
            long rsHi = table.destinationHi(id);
            long rsLo = table.destinationLo(id);
            if (Ipv6Header.hopLimit(s, ip) <= 1) {
                return drop(DropReason.TTL_EXPIRED);
            }
            long mac = neighbours.nextHopMac6(rsHi, rsLo);
            if (mac == NeighbourTable.UNKNOWN) {
                return drop(DropReason.NO_NEIGHBOUR);
            }
            if (connMethod[id] == Dataplane.M_MASQ) {
                int rsPort = table.destinationPort(id);
                int c = Wire.u16(s, l4 + 2);
                c = Ipv6Header.update128(c, dstHi, dstLo, rsHi, rsLo);
                c = Ipv6Header.update128(c, qsHi, qsLo, rsHi, rsLo);
                c = InternetChecksum.update16(c, qsport, rsPort);
                Wire.u16(s, l4 + 2, c);
                Ipv6Header.dst(s, ip, rsHi, rsLo);
                Ipv6Header.src(s, q, rsHi, rsLo);
                Wire.u16(s, qt, rsPort);
            } else if (connMethod[id] >= Dataplane.M_TUNNEL) {
                // as ip_vs_icmp_xmit_v6: the connection's own transmitter, the tunnel
                connService[id].inbound(1, total);
                table.destination(id).counters().inbound(1, total);
                return tunnel(s, off, l2, connMethod[id], table.destination(id).config().tunnelPort(), rsHi, rsLo,
                        mac);
            } else if (connMethod[id] != Dataplane.M_DROUTE) {
                return drop(DropReason.UNSUPPORTED_METHOD);
            }
            connService[id].inbound(1, total);
            table.destination(id).counters().inbound(1, total);
            Ipv6Header.decrementHopLimit(s, ip);
            return egress.inPlace(s, off, l2 + total, mac) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
        }
        // from a NAT real server: the quoted packet went from the client to the real server
        int id = table.lookupOut(qproto, true, qdHi, qdLo, qdport, qsHi, qsLo, qsport);
        if (id < 0 || connMethod[id] != Dataplane.M_MASQ) {
            return unclaimedError(s, off, l2, false, routeUnclaimed);
        }
        if (Ipv6Header.hopLimit(s, ip) <= 1) {
            return drop(DropReason.TTL_EXPIRED);
        }
        long mac = neighbours.nextHopMac6(dstHi, dstLo);
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        long vHi = table.virtualHi(id);
        long vLo = table.virtualLo(id);
        int vport = table.virtualPort(id);
        int c = Wire.u16(s, l4 + 2);
        c = Ipv6Header.update128(c, srcHi, srcLo, vHi, vLo);
        c = Ipv6Header.update128(c, qdHi, qdLo, vHi, vLo);
        c = InternetChecksum.update16(c, qdport, vport);
        Wire.u16(s, l4 + 2, c);
        Ipv6Header.src(s, ip, vHi, vLo);
        Ipv6Header.dst(s, q, vHi, vLo);
        Wire.u16(s, qt + 2, vport);
        connService[id].outbound(1, total);
        table.destination(id).counters().outbound(1, total);
        Ipv6Header.decrementHopLimit(s, ip);
        return egress.inPlace(s, off, l2 + total, mac) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
    }

    /**
     * An ICMPv6 error about no connection of ours: the kernel's, but one from a NAT real server the guard kept
     * from the kernel is routed, as for IPv4.
     */
    private Verdict unclaimedError(MemorySegment s, long off, int l2, boolean toService, boolean routeUnclaimed) {
        return !toService && routeUnclaimed ? route(s, off, l2) : Verdict.PASS;
    }

    /**
     * A frame from a NAT real server outside any connection that the guard kept from the kernel (an answer to
     * a host that reaches the real server through the director as its router; an ICMPv6 error about such
     * traffic): routed as a router would, unchanged but for the hop limit, to a unicast destination whose next
     * hop is known, if it came to our MAC from the real server's own; else {@code NOT_ROUTED}, or
     * {@code NO_NEIGHBOUR} while the next hop is unknown (the miss is noted). A destination with no route
     * through the data plane's links is the kernel's (PASS): one of the director's own addresses, which the
     * guard leaves to the kernel (an error answering the neighbour refresher's probe, a health check's answer),
     * or a host behind another interface. Its ICMPv6 errors (time exceeded, packet too big) come from one of the
     * director's own addresses, and are not sent while it has none ({@link #icmpNoSource}).
     */
    private Verdict route(MemorySegment s, long off, int l2) {
        if (isOwnAddress(dstHi, dstLo)) {
            // the guard leaves frames to the director's own addresses to the kernel
            return Verdict.PASS;
        }
        if (Ipv6Header.isMulticast(dstHi) || (EthernetHeader.dst(s, off) & MULTICAST_BIT) != 0) {
            return drop(DropReason.NOT_ROUTED);
        }
        long mac = neighbours.nextHopMac6(dstHi, dstLo);
        if (mac == NeighbourTable.UNKNOWN && neighbours.unreachable6(dstHi, dstLo)) {
            return Verdict.PASS;
        }
        if (EthernetHeader.src(s, off) != neighbours.nextHopMac6(srcHi, srcLo)) {
            return drop(DropReason.NOT_ROUTED);
        }
        // an error about a routed frame comes from the director, not from the frame's (remote) destination
        long[] from = errorSource;
        if (Ipv6Header.hopLimit(s, ip) <= 1) {
            if (from.length == 0) {
                icmpNoSource++;
            } else {
                icmpError(s, off, l2, TYPE_TIME_EXCEEDED, 0, 0, from[0], from[1]);
            }
            return drop(DropReason.TTL_EXPIRED);
        }
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        if (fragments.tooBig(total, mtu)) {
            if (from.length == 0) {
                icmpNoSource++;
                return drop(DropReason.FRAG_NEEDED);
            }
            return tooBig(s, off, l2, from[0], from[1]);
        }
        Ipv6Header.decrementHopLimit(s, ip);
        routed++;
        return send(s, off, l2, mac);
    }

    /** Any thread: the director's own IPv6 addresses now. */
    void ownAddresses(java.util.Set<IpAddress> addresses) {
        long[] pairs = new long[2 * addresses.size()];
        long[] source = new long[0];
        int i = 0;
        for (IpAddress a : addresses) {
            pairs[i++] = a.hi();
            pairs[i++] = a.lo();
            boolean global = !Ipv6Header.isMulticast(a.hi()) && (a.hi() >>> 54) != (0xfe80L >>> 6)
                    && !(a.hi() == 0 && (a.lo() == 0 || a.lo() == 1));
            if (global && (source.length == 0 || Long.compareUnsigned(a.hi(), source[0]) < 0
                    || a.hi() == source[0] && Long.compareUnsigned(a.lo(), source[1]) < 0)) {
                source = new long[] {a.hi(), a.lo()};
            }
        }
        ownAddresses = pairs;
        errorSource = source;
    }

    /** ICMPv6 errors about routed frames not sent: the director had no IPv6 address of its own to send them from. */
    long icmpNoSource() {
        return icmpNoSource;
    }

    private boolean isOwnAddress(long hi, long lo) {
        long[] own = ownAddresses;
        for (int i = 0; i < own.length; i += 2) {
            if (own[i] == hi && own[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    /** Frames from NAT real servers outside any connection routed by the worker. */
    long routed() {
        return routed;
    }

    // ---------------------------------------------------------------- ICMPv6 errors we originate

    /**
     * An ICMPv6 error about the current packet to its sender, from {@code from}, as Linux's {@code icmp6_send}:
     * to the frame's source MAC, hop limit 64, quoting as much of the packet as keeps the error within the
     * minimum MTU of 1,280 bytes; never to an unspecified or multicast source. Within the ICMP rate limits
     * (packet too big is never limited, as in Linux); the IPv4 per-client table is shared, keyed by a hash of
     * the address.
     */
    private void icmpError(MemorySegment s, long off, int l2, int type, int code, int parameter, long fromHi,
                           long fromLo) {
        if ((srcHi == 0 && srcLo == 0) || Ipv6Header.isMulticast(srcHi)
                || (proto == Ipv6Header.PROTO_ICMPV6 && Wire.u8(s, l4) < 128)) {
            // never to no one or a group, never about an ICMPv6 error (RFC 4443 §2.4)
            return;
        }
        if (type != TYPE_PACKET_TOO_BIG) {
            // the IPv4 limiter's types: time exceeded 11, destination unreachable 3 (port unreachable)
            int v4Type = type == TYPE_TIME_EXCEEDED ? IcmpHeader.TYPE_TIME_EXCEEDED : IcmpHeader.TYPE_DEST_UNREACH;
            int key = (int) (srcHi ^ srcHi >>> 32 ^ srcLo ^ srcLo >>> 32);
            if (!icmpLimit.allow(v4Type, IcmpHeader.CODE_PORT_UNREACH, key, now)) {
                return;
            }
        }
        int quote = Math.min(total, MAX_QUOTE);
        MemorySegment.copy(s, off, scratch, 0, l2);
        long oip = l2;
        int length = Ipv6Header.LENGTH + ICMP_HEADER + quote;
        Wire.u32(scratch, oip, 0x6000_0000);
        Ipv6Header.payloadLength(scratch, oip, ICMP_HEADER + quote);
        Wire.u8(scratch, oip + Ipv6Header.NEXT_HEADER, Ipv6Header.PROTO_ICMPV6);
        Wire.u8(scratch, oip + Ipv6Header.HOP_LIMIT, ICMP_HOP_LIMIT);
        Ipv6Header.src(scratch, oip, fromHi, fromLo);
        Ipv6Header.dst(scratch, oip, srcHi, srcLo);
        long icmp = oip + Ipv6Header.LENGTH;
        Wire.u8(scratch, icmp, type);
        Wire.u8(scratch, icmp + 1, code);
        Wire.u16(scratch, icmp + 2, 0);
        Wire.u32(scratch, icmp + 4, parameter);
        MemorySegment.copy(s, ip, scratch, icmp + ICMP_HEADER, quote);
        int sum = InternetChecksum.sum(scratch, icmp, ICMP_HEADER + quote,
                Ipv6Header.pseudoHeader(fromHi, fromLo, srcHi, srcLo, ICMP_HEADER + quote, Ipv6Header.PROTO_ICMPV6));
        Wire.u16(scratch, icmp + 2, InternetChecksum.finish(sum));
        if (egress.inPlace(scratch, 0, l2 + length, EthernetHeader.src(s, off))) {
            icmpSent++;
        }
    }
}
