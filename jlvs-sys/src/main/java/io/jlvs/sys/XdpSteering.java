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
 * An XDP program on one interface that redirects into AF_XDP sockets only the IPv4 frames whose destination
 * (or, for NAT replies, source) is in its address map; every other frame (ARP, IPv6, the host's own
 * traffic, and frames from a steered source to an address marked local, e.g. health-check answers from a
 * real server to the director) goes on with XDP_PASS. The address map can change while the program runs.
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
    private static final int MAX_ADDRESSES = 4096;
    private static final int MAX_QUEUES = 256;
    private static final int LOG_SIZE = 1 << 16;

    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final Syscalls sys = new Syscalls();
    /** What the address map holds, as this side wrote it. */
    private final Map<IpAddress, Integer> contents = new HashMap<>();
    private final Arena arena = Arena.ofShared();
    private final String interfaceName;
    private final int ifindex;
    private final int addressMap;
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
        int sockets = -1;
        int prog = -1;
        try {
            addresses = createMap(Abi.BPF_MAP_TYPE_HASH, MAX_ADDRESSES, "jlvs_addrs");
            sockets = createMap(Abi.BPF_MAP_TYPE_XSKMAP, MAX_QUEUES, "jlvs_xsks");
            prog = load(addresses, sockets, flows == null ? -1 : flows.fd());
            int l;
            XdpMode m = preferred;
            if (preferred == XdpMode.NATIVE) {
                try {
                    l = attach(prog, Abi.XDP_FLAGS_DRV_MODE);
                } catch (NativeIoException e) {
                    if (!e.is(Errno.EOPNOTSUPP) && !e.is(Errno.EINVAL)) {
                        throw e;
                    }
                    l = attach(prog, Abi.XDP_FLAGS_SKB_MODE);
                    m = XdpMode.GENERIC;
                }
            } else {
                l = attach(prog, Abi.XDP_FLAGS_SKB_MODE);
            }
            this.link = l;
            this.mode = m;
        } catch (RuntimeException e) {
            for (int fd : new int[] {prog, sockets, addresses}) {
                if (fd >= 0) {
                    sys.close(fd);
                }
            }
            arena.close();
            throw e;
        }
        this.addressMap = addresses;
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
     * {@code frame}.
     */
    int testRun(byte[] frame) {
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
            if (length != frame.length) {
                throw new IllegalStateException("the program changed the frame's length to " + length);
            }
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, frame, 0, frame.length);
            return run.get(ValueLayout.JAVA_INT, 4);
        }
    }

    private int createMap(int type, int maxEntries, String name) {
        return BpfMaps.create(sys, attr, type, 4, 4, maxEntries, name);
    }

    /** The steering program; see the class comment. */
    static EbpfAssembler program(int addressMap, int socketMap, int flowMap) {
        EbpfAssembler a = new EbpfAssembler();
        a.movReg(EbpfAssembler.R6, EbpfAssembler.R1);
        if (flowMap >= 0) {
            XdpFastPath.emit(a, flowMap, "steer");
        }
        a.label("steer")
                .load(EbpfAssembler.W, EbpfAssembler.R2, EbpfAssembler.R6, 0) // xdp_md.data
                .load(EbpfAssembler.W, EbpfAssembler.R3, EbpfAssembler.R6, 4) // xdp_md.data_end
                .movReg(EbpfAssembler.R4, EbpfAssembler.R2)
                .addImm(EbpfAssembler.R4, 34) // Ethernet + a minimal IPv4 header
                .jumpIfGreater(EbpfAssembler.R4, EbpfAssembler.R3, "pass")
                .load(EbpfAssembler.H, EbpfAssembler.R4, EbpfAssembler.R2, 12)
                .jumpIfNotEqual(EbpfAssembler.R4, 0x0008, "pass") // ETH_P_IP as read little-endian
                .load(EbpfAssembler.W, EbpfAssembler.R4, EbpfAssembler.R2, 30) // destination
                .store(EbpfAssembler.W, EbpfAssembler.R10, -4, EbpfAssembler.R4)
                .load(EbpfAssembler.W, EbpfAssembler.R4, EbpfAssembler.R2, 26) // source
                .store(EbpfAssembler.W, EbpfAssembler.R10, -8, EbpfAssembler.R4);
        lookupFlags(a, addressMap, -4, "source")
                .movReg(EbpfAssembler.R2, EbpfAssembler.R1)
                .andImm(EbpfAssembler.R1, MATCH_DESTINATION)
                .jumpIfNotEqual(EbpfAssembler.R1, 0, "redirect")
                .andImm(EbpfAssembler.R2, LOCAL_DESTINATION) // the director's own address: never by source
                .jumpIfNotEqual(EbpfAssembler.R2, 0, "pass")
                .label("source");
        lookupFlags(a, addressMap, -8, "pass")
                .andImm(EbpfAssembler.R1, MATCH_SOURCE)
                .jumpIfEqual(EbpfAssembler.R1, 0, "pass");
        a.label("redirect")
                .loadMap(EbpfAssembler.R1, socketMap)
                .load(EbpfAssembler.W, EbpfAssembler.R2, EbpfAssembler.R6, 16) // xdp_md.rx_queue_index
                .movImm(EbpfAssembler.R3, XDP_PASS) // no socket on this queue: the stack gets the frame
                .call(HELPER_REDIRECT_MAP)
                .exit()
                .label("pass")
                .movImm(EbpfAssembler.R0, XDP_PASS)
                .exit();
        return a;
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

    private int load(int addresses, int sockets, int flows) {
        return load(sys, attr, program(addresses, sockets, flows), "jlvs_steer");
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

    private int attach(int prog, int flags) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, prog);
        attr.set(ValueLayout.JAVA_INT, 4, ifindex);
        attr.set(ValueLayout.JAVA_INT, 8, Abi.BPF_XDP);
        attr.set(ValueLayout.JAVA_INT, 12, flags);
        return sys.bpf(Abi.BPF_LINK_CREATE, attr, "BPF_LINK_CREATE " + interfaceName
                + (flags == Abi.XDP_FLAGS_DRV_MODE ? " native" : " generic"));
    }

    /** Steers frames sent to {@code address} (IPv4) into the sockets. */
    public void steerDestination(IpAddress address) {
        update(address, MATCH_DESTINATION);
    }

    /** Steers frames sent from {@code address} (IPv4; a NAT real server) into the sockets. */
    public void steerSource(IpAddress address) {
        update(address, MATCH_SOURCE);
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
        Map<IpAddress, Integer> next = new HashMap<>();
        destinations.forEach(a -> next.merge(a, MATCH_DESTINATION, (x, y) -> x | y));
        sources.forEach(a -> next.merge(a, MATCH_SOURCE, (x, y) -> x | y));
        local.forEach(a -> next.merge(a, LOCAL_DESTINATION, (x, y) -> x | y));
        next.keySet().forEach(XdpSteering::requireV4);
        for (Map.Entry<IpAddress, Integer> e : next.entrySet()) {
            if (!e.getValue().equals(contents.get(e.getKey()))) {
                write(e.getKey(), e.getValue());
            }
        }
        for (IpAddress gone : List.copyOf(contents.keySet())) {
            if (!next.containsKey(gone)) {
                release(gone);
            }
        }
        contents.clear();
        contents.putAll(next);
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
        sys.close(addressMap);
        arena.close();
    }
}
