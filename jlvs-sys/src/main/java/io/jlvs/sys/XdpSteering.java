package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An XDP program on one interface that redirects into AF_XDP sockets only the IPv4 frames the data plane
 * must see: to a virtual address (in its address map), those to one of its services' ports (the port map,
 * port 0 for a port-0 service), ICMP errors and fragments, while a ping or another port reaches the
 * kernel, as with AF_PACKET and the guard; from a NAT real server (a
 * steered source), its replies (source port in the server-port map, {@link ServerPort}), ICMP errors and
 * fragments; and ICMP errors from a router behind the director about a packet sent to a NAT real server's
 * service port from an address that is not the director's. Every other frame (ARP, IPv6, the host's own traffic, what
 * a real server starts itself, and frames from a steered source to an address marked local, e.g.
 * health-check answers from a real server to the director) goes on with XDP_PASS. The maps can change
 * while the program runs.
 *
 * <p>Attached through a BPF link (BPF_LINK_CREATE), not netlink: the link lives as long as its descriptor,
 * so the program leaves the interface when this object closes and, because the kernel closes a dead
 * process's descriptors, when the process dies too. Nothing is pinned; nothing survives a crash.
 *
 * <p>With a flow map ({@link #attach(String, XdpMode, XdpFlowMap)}) the program first tries the fast path
 * ({@link XdpFastPath}): frames of offloaded flows are rewritten and redirected by the program itself.
 *
 * <p>License string given to the verifier: {@value #LICENSE}. The helpers the program calls
 * (bpf_map_lookup_elem, bpf_redirect_map, bpf_redirect) are not GPL-only, so the kernel accepts any string.
 */
public final class XdpSteering implements AutoCloseable {
    static final String LICENSE = "Apache-2.0";
    /** Bits of an address map value. */
    private static final int MATCH_DESTINATION = 1;
    private static final int MATCH_SOURCE = 2;
    private static final int LOCAL_DESTINATION = 4;
    private static final int XDP_PASS = 2;
    private static final int HELPER_MAP_LOOKUP_ELEM = 1;
    private static final int HELPER_REDIRECT_MAP = 51;
    /** Entries of the address map: virtual addresses, NAT real servers and the director's own addresses. */
    public static final int MAX_ADDRESSES = 4096;
    /** Entries of the real-server port map. */
    public static final int MAX_SERVER_PORTS = 16384;
    private static final int PROTO_ICMP = 1;
    private static final int[] PORT_PROTOCOLS = {6, 17, 132};
    /** ICMP errors: destination unreachable, time exceeded, parameter problem. */
    private static final int[] ICMP_ERRORS = {3, 11, 12};
    private static final int MAX_QUEUES = 256;
    private static final int LOG_SIZE = 1 << 16;

    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final Syscalls sys = new Syscalls();
    /** What the address map holds, as this side wrote it. */
    private final Map<IpAddress, Integer> contents = new HashMap<>();
    /** What the server-port map holds. */
    private final Set<ServerPort> portContents = new java.util.HashSet<>();
    private final Arena arena = Arena.ofShared();
    private final String interfaceName;
    private final int ifindex;
    private final int addressMap;
    private final int portMap;
    private final int socketMap;
    private final int program;
    private final int link;
    private final XdpMode mode;
    private final MemorySegment attr;
    private final MemorySegment key;
    private final MemorySegment value;
    private boolean closed;

    private XdpSteering(String interfaceName, XdpMode preferred, XdpFlowMap flows) {
        this.interfaceName = interfaceName;
        this.ifindex = sys.ifNameToIndex(interfaceName);
        this.attr = arena.allocate(128, 8);
        this.key = arena.allocate(8, 8);
        this.value = arena.allocate(8, 8);
        int addresses = -1;
        int ports = -1;
        int sockets = -1;
        int prog = -1;
        try {
            addresses = createMap(Abi.BPF_MAP_TYPE_HASH, MAX_ADDRESSES, "jlvs_addrs");
            ports = BpfMaps.create(sys, attr, Abi.BPF_MAP_TYPE_HASH, 8, 4, MAX_SERVER_PORTS, "jlvs_ports");
            sockets = createMap(Abi.BPF_MAP_TYPE_XSKMAP, MAX_QUEUES, "jlvs_xsks");
            prog = load(addresses, ports, sockets, flows == null ? -1 : flows.fd());
            XdpAttachment at = XdpAttachment.attach(sys, attr, prog, ifindex, interfaceName, preferred);
            this.link = at.link();
            this.mode = at.mode();
        } catch (RuntimeException e) {
            for (int fd : new int[] {prog, sockets, ports, addresses}) {
                if (fd >= 0) {
                    sys.close(fd);
                }
            }
            arena.close();
            throw e;
        }
        this.addressMap = addresses;
        this.portMap = ports;
        this.socketMap = sockets;
        this.program = prog;
    }

    /**
     * Loads the program and attaches it to {@code interfaceName}, natively when the driver can, else on the
     * generic path. Throws {@link BpfLoadException} (with the verifier's log) or {@link NativeIoException}.
     */
    public static XdpSteering attach(String interfaceName) {
        return new XdpSteering(interfaceName, XdpMode.NATIVE, null);
    }

    /** As {@link #attach(String)}, in the given mode only when it is {@link XdpMode#GENERIC}. */
    public static XdpSteering attach(String interfaceName, XdpMode mode) {
        return new XdpSteering(interfaceName, mode, null);
    }

    /**
     * As {@link #attach(String, XdpMode)}, with the fast path of {@code flows} ({@link XdpFastPath}) in front
     * of the steering: frames of an offloaded flow are rewritten and sent on by the program itself. Several
     * interfaces may share one flow map.
     */
    public static XdpSteering attach(String interfaceName, XdpMode mode, XdpFlowMap flows) {
        return new XdpSteering(interfaceName, mode, flows);
    }

    /**
     * Runs the program once on {@code frame} (BPF_PROG_TEST_RUN: nothing is sent, a redirect is only
     * reported) and returns the XDP action; the frame as the program left it is copied back into
     * {@code frame}, which must keep its length.
     */
    int testRun(byte[] frame) {
        TestRun r = testRunResizing(frame);
        if (r.frame().length != frame.length) {
            throw new IllegalStateException("the program changed the frame's length to " + r.frame().length);
        }
        System.arraycopy(r.frame(), 0, frame, 0, frame.length);
        return r.action();
    }

    /** What one {@link #testRunResizing} returned: the XDP action and the frame as the program left it. */
    record TestRun(int action, byte[] frame) { }

    /** As {@link #testRun}, for a program that may grow or shrink the frame (encapsulation). */
    TestRun testRunResizing(byte[] frame) {
        return testRun(sys, program, frame);
    }

    /** One BPF_PROG_TEST_RUN of XDP program {@code program} on {@code frame}. */
    static TestRun testRun(Syscalls sys, int program, byte[] frame) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocateFrom(ValueLayout.JAVA_BYTE, frame);
            MemorySegment out = a.allocate(frame.length + 256L);
            MemorySegment run = a.allocate(128, 8);
            run.set(ValueLayout.JAVA_INT, 0, program);
            run.set(ValueLayout.JAVA_INT, 8, frame.length);
            run.set(ValueLayout.JAVA_INT, 12, (int) out.byteSize());
            run.set(ValueLayout.JAVA_LONG, 16, in.address());
            run.set(ValueLayout.JAVA_LONG, 24, out.address());
            run.set(ValueLayout.JAVA_INT, 32, 1);
            sys.bpf(Abi.BPF_PROG_TEST_RUN, run, "BPF_PROG_TEST_RUN");
            int length = run.get(ValueLayout.JAVA_INT, 12);
            byte[] left = new byte[length];
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, left, 0, length);
            return new TestRun(run.get(ValueLayout.JAVA_INT, 4), left);
        }
    }

    private int createMap(int type, int maxEntries, String name) {
        return BpfMaps.create(sys, attr, type, 4, 4, maxEntries, name);
    }

    /** The steering program; see the class comment. */
    static EbpfAssembler program(int addressMap, int portMap, int socketMap, int flowMap) {
        final int r1 = EbpfAssembler.R1;
        final int r2 = EbpfAssembler.R2;
        final int r3 = EbpfAssembler.R3;
        final int r4 = EbpfAssembler.R4;
        final int r6 = EbpfAssembler.R6;
        final int r7 = EbpfAssembler.R7;
        final int r8 = EbpfAssembler.R8;
        final int r10 = EbpfAssembler.R10;
        final int w = EbpfAssembler.W;
        final int h = EbpfAssembler.H;
        final int b = EbpfAssembler.B;
        EbpfAssembler a = new EbpfAssembler();
        a.movReg(r6, r1);
        if (flowMap >= 0) {
            XdpFastPath.emit(a, flowMap, "steer");
        }
        a.label("steer")
                .load(w, r2, r6, 0) // xdp_md.data
                .load(w, r3, r6, 4) // xdp_md.data_end
                .movReg(r4, r2)
                .addImm(r4, 34) // Ethernet + a minimal IPv4 header
                .jumpIfGreater(r4, r3, "pass")
                .load(h, r4, r2, 12)
                .jumpIfNotEqual(r4, 0x0008, "pass") // ETH_P_IP as read little-endian
                .load(w, r4, r2, 30) // destination
                .store(w, r10, -4, r4)
                .load(w, r4, r2, 26) // source
                .store(w, r10, -8, r4);
        lookupFlags(a, addressMap, -4, "source")
                .movReg(r2, r1)
                .andImm(r1, MATCH_DESTINATION)
                .jumpIfNotEqual(r1, 0, "virtual")
                .andImm(r2, LOCAL_DESTINATION) // the director's own address: never by source
                .jumpIfNotEqual(r2, 0, "pass")
                .label("source");
        lookupFlags(a, addressMap, -8, "routed")
                .andImm(r1, MATCH_SOURCE)
                .jumpIfEqual(r1, 0, "routed");

        // From a NAT real server: replies from a service port, ICMP errors and fragments are ours; what the
        // server starts itself (DNS, updates, pings) goes to the kernel, which routes it.
        byPort(a, portMap, "server", -8, 0);
        // To a virtual address: what its services take (protocol and port in the port map, or port 0 for a
        // port-0 service), ICMP errors about their connections, and fragments; the rest (a ping, a port no
        // service has) goes to the kernel, which holds the address and answers as it would without jlvs.
        byPort(a, portMap, "virtual", -4, 2);

        // Neither to a virtual address nor from a NAT real server: an ICMP error from a router between the
        // director and the real servers, about a client's packet the director sent to a NAT real server (the
        // quoted packet: to a service port of a steered server, from an address that is not the director's
        // own), is ours. One about a packet the kernel routed to a server (a reply to what the server started
        // itself) goes to the kernel.
        a.label("routed");
        packetAndHeaderLength(a)
                .load(b, r1, r2, 23)
                .jumpIfNotEqual(r1, PROTO_ICMP, "pass")
                .movReg(r4, r2)
                .addImm(r4, 14)
                .addReg(r4, r8)
                .movReg(r1, r4)
                .addImm(r1, 8 + 20 + 4) // ICMP header, the quoted IPv4 header and its ports
                .jumpIfGreater(r1, r3, "pass")
                .load(b, r1, r4, 0);
        for (int t : ICMP_ERRORS) {
            a.jumpIfEqual(r1, t, "quoted");
        }
        a.jump("pass");
        a.label("quoted")
                .load(w, r1, r4, 8 + 12) // the quoted source
                .store(w, r10, -24, r1)
                .load(w, r1, r4, 8 + 16) // the quoted destination
                .store(w, r10, -16, r1)
                .load(h, r1, r4, 8 + 22) // its destination port (a quoted header without options)
                .store(h, r10, -12, r1)
                .load(b, r1, r4, 8 + 9) // its protocol
                .store(b, r10, -10, r1)
                .movImm(r1, 0)
                .store(b, r10, -9, r1);
        lookupPort(a, portMap, "quoted-source")
                .movImm(r1, 0)
                .store(h, r10, -12, r1);
        lookupPort(a, portMap, "quoted-source")
                .jump("pass");
        a.label("quoted-source");
        lookupFlags(a, addressMap, -24, "redirect")
                .andImm(r1, LOCAL_DESTINATION)
                .jumpIfNotEqual(r1, 0, "pass");

        a.label("redirect")
                .loadMap(r1, socketMap)
                .load(w, r2, r6, 16) // xdp_md.rx_queue_index
                .movImm(r3, XDP_PASS) // no socket on this queue: the stack gets the frame
                .call(HELPER_REDIRECT_MAP)
                .exit()
                .label("pass")
                .movImm(EbpfAssembler.R0, XDP_PASS)
                .exit();
        return a;
    }

    /**
     * At {@code label}: a fragment or an ICMP error is redirected; TCP, UDP or SCTP is redirected when the
     * address stored at stack offset {@code addressSlot} with the port at {@code portOffset} of the transport
     * header (0: source, 2: destination) and the protocol, or with port 0, is in the port map; anything else
     * passes.
     */
    private static void byPort(EbpfAssembler a, int portMap, String label, int addressSlot, int portOffset) {
        final int r1 = EbpfAssembler.R1;
        final int r2 = EbpfAssembler.R2;
        final int r3 = EbpfAssembler.R3;
        final int r4 = EbpfAssembler.R4;
        final int r7 = EbpfAssembler.R7;
        final int r8 = EbpfAssembler.R8;
        final int r10 = EbpfAssembler.R10;
        a.label(label);
        packetAndHeaderLength(a)
                .load(EbpfAssembler.B, r7, r2, 23) // protocol
                .load(EbpfAssembler.H, r1, r2, 20) // flags and fragment offset, read little-endian
                .andImm(r1, 0xff3f) // MF and the offset (MF is 0x20 of the first byte)
                .jumpIfNotEqual(r1, 0, "redirect") // a fragment: the worker drops it as IPVS does
                .jumpIfEqual(r7, PROTO_ICMP, label + "-icmp");
        for (int p : PORT_PROTOCOLS) {
            a.jumpIfEqual(r7, p, label + "-port");
        }
        a.jump("pass");
        a.label(label + "-port")
                .movReg(r4, r2)
                .addImm(r4, 14)
                .addReg(r4, r8) // the transport header
                .movReg(r1, r4)
                .addImm(r1, 4)
                .jumpIfGreater(r1, r3, "pass")
                .load(EbpfAssembler.H, r1, r4, portOffset) // the port, as on the wire
                .load(EbpfAssembler.W, r4, r10, addressSlot)
                .store(EbpfAssembler.W, r10, -16, r4) // key: address, port, protocol, 0
                .store(EbpfAssembler.H, r10, -12, r1)
                .store(EbpfAssembler.B, r10, -10, r7)
                .movImm(r1, 0)
                .store(EbpfAssembler.B, r10, -9, r1);
        lookupPort(a, portMap, "redirect")
                .movImm(r1, 0)
                .store(EbpfAssembler.H, r10, -12, r1); // port 0: every port (fwmark's servers, port-0 services)
        lookupPort(a, portMap, "redirect")
                .jump("pass");
        a.label(label + "-icmp")
                .movReg(r4, r2)
                .addImm(r4, 14)
                .addReg(r4, r8)
                .movReg(r1, r4)
                .addImm(r1, 1)
                .jumpIfGreater(r1, r3, "pass")
                .load(EbpfAssembler.B, r1, r4, 0);
        for (int t : ICMP_ERRORS) {
            a.jumpIfEqual(r1, t, "redirect");
        }
        a.jump("pass");
    }

    /** R2 = data, R3 = data_end (34 bytes are there: checked at "steer"), R8 = the IPv4 header's length. */
    private static EbpfAssembler packetAndHeaderLength(EbpfAssembler a) {
        return a.load(EbpfAssembler.W, EbpfAssembler.R2, EbpfAssembler.R6, 0)
                .load(EbpfAssembler.W, EbpfAssembler.R3, EbpfAssembler.R6, 4)
                .movReg(EbpfAssembler.R4, EbpfAssembler.R2)
                .addImm(EbpfAssembler.R4, 34)
                .jumpIfGreater(EbpfAssembler.R4, EbpfAssembler.R3, "pass")
                .load(EbpfAssembler.B, EbpfAssembler.R8, EbpfAssembler.R2, 14)
                .andImm(EbpfAssembler.R8, 0x0f)
                .lshImm(EbpfAssembler.R8, 2);
    }

    /** Looks up the 8-byte server-port key at stack offset -16: jumps to {@code present} when it is there. */
    private static EbpfAssembler lookupPort(EbpfAssembler a, int portMap, String present) {
        return a.loadMap(EbpfAssembler.R1, portMap)
                .movReg(EbpfAssembler.R2, EbpfAssembler.R10)
                .addImm(EbpfAssembler.R2, -16)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIfNotEqual(EbpfAssembler.R0, 0, present);
    }

    /**
     * Looks up the address stored at stack offset {@code slot} in the address map: jumps to {@code absent}
     * when it is not there, else leaves its flags in R1.
     */
    private static EbpfAssembler lookupFlags(EbpfAssembler a, int addressMap, int slot, String absent) {
        return a.loadMap(EbpfAssembler.R1, addressMap)
                .movReg(EbpfAssembler.R2, EbpfAssembler.R10)
                .addImm(EbpfAssembler.R2, slot)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIfEqual(EbpfAssembler.R0, 0, absent)
                .load(EbpfAssembler.W, EbpfAssembler.R1, EbpfAssembler.R0, 0);
    }

    private int load(int addresses, int ports, int sockets, int flows) {
        return load(sys, attr, program(addresses, ports, sockets, flows), "jlvs_steer");
    }

    /** BPF_PROG_LOAD of an XDP program; a refusal carries the verifier's log. */
    static int load(Syscalls sys, MemorySegment attr, EbpfAssembler asm, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insns = asm.assemble(a);
            MemorySegment license = a.allocateFrom(LICENSE);
            MemorySegment log = a.allocate(LOG_SIZE);
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_INT, 0, Abi.BPF_PROG_TYPE_XDP);
            attr.set(ValueLayout.JAVA_INT, 4, asm.instructionCount());
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());
            attr.set(ValueLayout.JAVA_INT, 24, 1); // log_level: the log is filled only when the load fails
            attr.set(ValueLayout.JAVA_INT, 28, LOG_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 32, log.address());
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, 48, n.length);
            attr.set(ValueLayout.JAVA_INT, 68, Abi.BPF_XDP);
            try {
                return sys.bpf(Abi.BPF_PROG_LOAD, attr, "BPF_PROG_LOAD");
            } catch (NativeIoException e) {
                throw new BpfLoadException(name, e.errno(), log.getString(0).strip());
            }
        }
    }

    /**
     * Steers frames sent to {@code address} (IPv4) into the sockets: TCP, UDP and SCTP to any port (as if a
     * port-0 service of each held it), ICMP errors and fragments; other ICMP (a ping) goes to the kernel.
     */
    public synchronized void steerDestination(IpAddress address) {
        update(address, MATCH_DESTINATION);
        for (ServerPort p : ServerPort.everyPort(address)) {
            if (portContents.add(p)) {
                writePort(p, true);
            }
        }
    }

    /**
     * A NAT real server's service: frames from {@code address} with source port {@code port} (0: any port)
     * and IP protocol {@code protocol} (6, 17 or 132) are replies of the data plane's connections.
     */
    public record ServerPort(IpAddress address, int protocol, int port) {
        public ServerPort {
            requireV4(address);
            if (protocol != 6 && protocol != 17 && protocol != 132) {
                throw new IllegalArgumentException("TCP, UDP or SCTP expected: protocol " + protocol);
            }
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        /** Every port of every transport protocol from {@code address} (a fwmark service's real server). */
        public static Set<ServerPort> everyPort(IpAddress address) {
            return Set.of(new ServerPort(address, 6, 0), new ServerPort(address, 17, 0),
                    new ServerPort(address, 132, 0));
        }
    }

    /**
     * Steers frames sent from {@code address} (IPv4; a NAT real server) into the sockets: TCP, UDP and SCTP from
     * any port, ICMP errors and fragments. Other ICMP (the server's own pings) goes to the kernel.
     */
    public synchronized void steerSource(IpAddress address) {
        update(address, MATCH_SOURCE);
        for (ServerPort p : ServerPort.everyPort(address)) {
            if (portContents.add(p)) {
                writePort(p, true);
            }
        }
    }

    /**
     * Marks {@code address} (IPv4) as the director's own: frames to it reach the kernel even when their
     * source is steered.
     */
    public void passLocal(IpAddress address) {
        update(address, LOCAL_DESTINATION);
    }

    /** Stops steering frames to or from {@code address}. */
    public synchronized void release(IpAddress address) {
        requireV4(address);
        for (ServerPort p : List.copyOf(portContents)) {
            if (p.address().equals(address)) {
                portContents.remove(p);
                writePort(p, false);
            }
        }
        releaseAddress(address);
    }

    private void releaseAddress(IpAddress address) {
        contents.remove(address);
        attr.fill((byte) 0);
        key.set(BE32, 0, address.v4());
        attr.set(ValueLayout.JAVA_INT, 0, addressMap);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        try {
            sys.bpf(Abi.BPF_MAP_DELETE_ELEM, attr, "BPF_MAP_DELETE_ELEM");
        } catch (NativeIoException e) {
            if (!e.is(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    private synchronized void update(IpAddress address, int bit) {
        requireV4(address);
        write(address, contents.merge(address, bit, (x, y) -> x | y));
    }

    /**
     * Makes the address map exactly: {@code destinations} steered by destination, {@code sources} by source,
     * {@code local} passed to the kernel (see {@link #passLocal}). Entries are changed one by one, so a frame
     * in flight meanwhile sees either the old or the new entry of its address.
     */
    public synchronized void steerExactly(Set<IpAddress> destinations, Set<IpAddress> sources, Set<IpAddress> local) {
        Set<ServerPort> every = new java.util.HashSet<>();
        sources.forEach(a -> every.addAll(ServerPort.everyPort(a)));
        destinations.forEach(a -> every.addAll(ServerPort.everyPort(a)));
        steerExactly(destinations, sources, every, local);
    }

    /**
     * As {@link #steerExactly(Set, Set, Set)}, frames from {@code sources} (NAT real servers) steered only from
     * the {@code serverPorts} (replies), and as ICMP errors and fragments; what a real server starts itself
     * reaches the kernel, which routes it as IPVS leaves it to. Frames to {@code destinations} are steered
     * only to the ports {@code serverPorts} names for them (their services'; port 0 for every port), and as
     * ICMP errors and fragments: a ping, or a port no service has, reaches the kernel.
     */
    public synchronized void steerExactly(Set<IpAddress> destinations, Set<IpAddress> sources,
                                          Set<ServerPort> serverPorts, Set<IpAddress> local) {
        // what the maps hold is recorded write by write, so that after a refused write (a full map) the next
        // call still knows the maps exactly
        for (ServerPort p : List.copyOf(portContents)) {
            if (!serverPorts.contains(p)) {
                writePort(p, false);
                portContents.remove(p);
            }
        }
        for (ServerPort p : serverPorts) {
            if (!portContents.contains(p)) {
                writePort(p, true);
                portContents.add(p);
            }
        }
        steerAddresses(destinations, sources, local);
    }

    private void steerAddresses(Set<IpAddress> destinations, Set<IpAddress> sources, Set<IpAddress> local) {
        Map<IpAddress, Integer> next = new HashMap<>();
        destinations.forEach(a -> next.merge(a, MATCH_DESTINATION, (x, y) -> x | y));
        sources.forEach(a -> next.merge(a, MATCH_SOURCE, (x, y) -> x | y));
        local.forEach(a -> next.merge(a, LOCAL_DESTINATION, (x, y) -> x | y));
        next.keySet().forEach(XdpSteering::requireV4);
        for (IpAddress gone : List.copyOf(contents.keySet())) {
            if (!next.containsKey(gone)) {
                releaseAddress(gone);
                contents.remove(gone);
            }
        }
        for (Map.Entry<IpAddress, Integer> e : next.entrySet()) {
            if (!e.getValue().equals(contents.get(e.getKey()))) {
                write(e.getKey(), e.getValue());
                contents.put(e.getKey(), e.getValue());
            }
        }
    }

    private void writePort(ServerPort p, boolean present) {
        key.set(BE32, 0, p.address().v4());
        key.set(ValueLayout.JAVA_BYTE, 4, (byte) (p.port() >>> 8));
        key.set(ValueLayout.JAVA_BYTE, 5, (byte) p.port());
        key.set(ValueLayout.JAVA_BYTE, 6, (byte) p.protocol());
        key.set(ValueLayout.JAVA_BYTE, 7, (byte) 0);
        value.set(ValueLayout.JAVA_INT, 0, 1);
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, portMap);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        if (present) {
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            sys.bpf(Abi.BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM jlvs_ports");
            return;
        }
        try {
            sys.bpf(Abi.BPF_MAP_DELETE_ELEM, attr, "BPF_MAP_DELETE_ELEM jlvs_ports");
        } catch (NativeIoException e) {
            if (!e.is(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    private void write(IpAddress address, int bits) {
        key.set(BE32, 0, address.v4());
        value.set(ValueLayout.JAVA_INT, 0, bits);
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, addressMap);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        attr.set(ValueLayout.JAVA_LONG, 16, value.address());
        sys.bpf(Abi.BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM");
    }

    private static void requireV4(IpAddress address) {
        if (!address.isV4()) {
            throw new IllegalArgumentException("XDP steering is IPv4 only: " + address);
        }
    }

    /** Redirects the frames steered on receive queue {@code queue} into {@code socket}. */
    public synchronized void register(int queue, XskSocket socket) {
        key.set(ValueLayout.JAVA_INT, 0, queue);
        value.set(ValueLayout.JAVA_INT, 0, socket.fd());
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, socketMap);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        attr.set(ValueLayout.JAVA_LONG, 16, value.address());
        sys.bpf(Abi.BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM xskmap");
    }

    /** Where the program runs. */
    public XdpMode mode() {
        return mode;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The interface's index. */
    public int ifindex() {
        return ifindex;
    }

    /** Detaches the program (closing the link) and frees the maps. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sys.close(link);
        sys.close(program);
        sys.close(socketMap);
        sys.close(portMap);
        sys.close(addressMap);
        arena.close();
    }
}
