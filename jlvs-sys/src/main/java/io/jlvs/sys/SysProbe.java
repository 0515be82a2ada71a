package io.jlvs.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Checks, in order, what the AF_PACKET data plane needs, stopping at the first missing piece: Linux,
 * CAP_NET_RAW in the effective set, the interface, and an AF_PACKET socket bound to it.
 */
public final class SysProbe {
    private final String osName;
    private final Path procStatus;

    public SysProbe(String osName, Path procStatus) {
        this.osName = osName;
        this.procStatus = procStatus;
    }

    /** This JVM's host and process. */
    public static SysProbe forThisProcess() {
        return new SysProbe(System.getProperty("os.name", ""), Path.of("/proc/self/status"));
    }

    public ProbeResult probe(String interfaceName) {
        if (!osName.startsWith("Linux")) {
            return ProbeResult.cannot("not Linux (os.name=" + osName + "); AF_PACKET is Linux only");
        }
        Capabilities caps;
        try {
            caps = Capabilities.read(procStatus);
        } catch (IOException | IllegalArgumentException e) {
            return ProbeResult.cannot("cannot read capabilities from " + procStatus + ": " + e.getMessage());
        }
        if (!caps.netRaw()) {
            return ProbeResult.cannot("no CAP_NET_RAW (CapEff=" + caps.hex()
                    + "); run as root or grant cap_net_raw,cap_net_admin");
        }
        Syscalls sys = new Syscalls();
        int index;
        try {
            index = sys.ifNameToIndex(interfaceName);
        } catch (NativeIoException e) {
            return ProbeResult.cannot("no such interface: " + interfaceName + " (" + e.errnoName() + ")");
        }
        int fd;
        try {
            fd = sys.socket(Abi.AF_PACKET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        } catch (NativeIoException e) {
            return ProbeResult.cannot("AF_PACKET refused: " + e.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sll = arena.allocate(Abi.SOCKADDR_LL_SIZE, 4);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_PACKET);
            sll.set(ValueLayout.JAVA_INT, 4, index);
            sys.bind(fd, sll);
        } catch (NativeIoException e) {
            return ProbeResult.cannot("AF_PACKET refused on " + interfaceName + ": " + e.getMessage());
        } finally {
            sys.close(fd);
        }
        return new ProbeResult(true, "packet data plane can start on " + interfaceName + " (ifindex " + index + ")");
    }

    /**
     * Prints the probe's one line for the interface named by the first argument (default {@code lo}); a
     * second argument replaces {@code /proc/self/status} (for tests).
     */
    public static void main(String[] args) {
        SysProbe probe = args.length > 1 ? new SysProbe(System.getProperty("os.name", ""), Path.of(args[1]))
                : forThisProcess();
        ProbeResult r = probe.probe(args.length > 0 ? args[0] : "lo");
        System.out.println(r.message());
    }
}
