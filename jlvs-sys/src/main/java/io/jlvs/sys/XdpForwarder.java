package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The XDP fast path alone on one interface, for AF_PACKET workers ({@code jlvs run --xdp-offload} without
 * AF_XDP): a frame of a flow in the {@link XdpFlowMap} is rewritten and sent on by the program
 * ({@link XdpFastPath}); every other frame goes on with XDP_PASS to the kernel's receive path, where the
 * workers' AF_PACKET sockets (and tcpdump) see it as before. Frames the program forwards are seen by
 * neither: generic XDP runs before the packet taps. Attached through a BPF link, so the program leaves the
 * interface when this closes or the process dies ({@link XdpAttachment}). Several interfaces share one flow
 * map.
 */
public final class XdpForwarder implements AutoCloseable {
    private static final int XDP_PASS = 2;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final String interfaceName;
    private final int ifindex;
    private final int program;
    private final int link;
    private final XdpMode mode;
    private boolean closed;

    private XdpForwarder(String interfaceName, XdpMode preferred, XdpFlowMap flows) {
        this.interfaceName = interfaceName;
        this.ifindex = sys.ifNameToIndex(interfaceName);
        MemorySegment attr = arena.allocate(128, 8);
        int prog = -1;
        try {
            prog = XdpSteering.load(sys, attr, program(flows.fd()), "jlvs_fastpath");
            XdpAttachment at = XdpAttachment.attach(sys, attr, prog, ifindex, interfaceName, preferred);
            this.link = at.link();
            this.mode = at.mode();
        } catch (RuntimeException e) {
            if (prog >= 0) {
                sys.close(prog);
            }
            arena.close();
            throw e;
        }
        this.program = prog;
    }

    /**
     * Loads the program over {@code flows} and attaches it to {@code interfaceName}: with
     * {@link XdpMode#NATIVE} in the driver when it can, else (and with {@link XdpMode#GENERIC}) on the
     * generic path. Throws {@link BpfLoadException} (with the verifier's log) or {@link NativeIoException}
     * (EBUSY: the interface has another XDP program).
     */
    public static XdpForwarder attach(String interfaceName, XdpMode mode, XdpFlowMap flows) {
        return new XdpForwarder(interfaceName, mode, flows);
    }

    static EbpfAssembler program(int flowMap) {
        EbpfAssembler a = new EbpfAssembler();
        a.movReg(EbpfAssembler.R6, EbpfAssembler.R1);
        XdpFastPath.emit(a, flowMap, "pass");
        return a.label("pass")
                .movImm(EbpfAssembler.R0, XDP_PASS)
                .exit();
    }

    /** As {@link XdpSteering#testRunResizing}: one run on {@code frame}, nothing sent. */
    XdpSteering.TestRun testRun(byte[] frame) {
        return XdpSteering.testRun(sys, program, frame);
    }

    public XdpMode mode() {
        return mode;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The interface's index when attached. */
    public int ifindex() {
        return ifindex;
    }

    /** Detaches the program (closing the link). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        sys.close(link);
        sys.close(program);
        arena.close();
    }
}
