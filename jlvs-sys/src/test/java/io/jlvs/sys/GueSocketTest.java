package io.jlvs.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The GUE endpoint's socket: IPv4 and IPv6 on one port, and IPv4 alone on a host without IPv6. */
class GueSocketTest {
    private static final int AF_INET6 = 10;
    private static final int EAFNOSUPPORT = 97;

    private static int freePort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static void sendTo(String host, int port, byte[] data) throws Exception {
        try (DatagramSocket tx = new DatagramSocket()) {
            tx.send(new DatagramPacket(data, data.length, InetAddress.getByName(host), port));
        }
    }

    private static byte[] received(GueSocket socket, int expected) {
        MemorySegment buffer = Arena.ofAuto().allocate(65535);
        int n = -1;
        for (int tries = 0; tries < 20 && n < 0; tries++) {
            n = socket.receive(buffer, 100);
        }
        assertThat(n).as("a datagram within 2 s").isEqualTo(expected);
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void receivesOverIpv4AndIpv6OnOnePort() throws Exception {
        int port = freePort();
        try (GueSocket socket = GueSocket.open(port)) {
            sendTo("127.0.0.1", port, new byte[] {4, 4, 4});
            assertThat(received(socket, 3)).containsExactly(4, 4, 4);
            sendTo("::1", port, new byte[] {6, 6, 6, 6});
            assertThat(received(socket, 4)).containsExactly(6, 6, 6, 6);
        }
    }

    /**
     * A real server booted with ipv6.disable=1 (a common hardening setting) has no AF_INET6 sockets at all: the GUE
     * endpoint of an IPv4 service must still open, on IPv4 alone, as it did on the JDK's DatagramSocket before. The
     * host without IPv6 is made here by a seccomp filter on the opening thread that fails socket(AF_INET6, ...) with
     * EAFNOSUPPORT, as the kernel does then.
     */
    @Test
    void onAHostWithoutIpv6ItReceivesIpv4() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the seccomp filter names x86_64's socket(2)");
        int port = freePort();
        AtomicReference<Object> opened = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                denyIpv6Sockets();
                opened.set(GueSocket.open(port));
            } catch (Throwable e) {
                opened.set(e);
            }
        });
        t.join();
        assertThat(opened.get()).as("opened without IPv6").isInstanceOf(GueSocket.class);
        try (GueSocket socket = (GueSocket) opened.get()) {
            sendTo("127.0.0.1", port, new byte[] {4, 4});
            assertThat(received(socket, 2)).containsExactly(4, 4);
        }
    }

    /**
     * This thread only (no TSYNC): socket(AF_INET6, ...) fails with EAFNOSUPPORT; everything else is allowed. Classic
     * BPF over struct seccomp_data (nr at 0, arch at 4, args[0]'s low half at 16 on little-endian x86_64).
     */
    private static void denyIpv6Sockets() throws Throwable {
        int[][] program = {
            // code, jt, jf, k
            {0x20, 0, 0, 4},                        // ld [arch]
            {0x15, 0, 5, 0xc000003e},               // jeq AUDIT_ARCH_X86_64 ? next : allow
            {0x20, 0, 0, 0},                        // ld [nr]
            {0x15, 0, 3, 41},                       // jeq __NR_socket ? next : allow
            {0x20, 0, 0, 16},                       // ld [args[0] low]
            {0x15, 0, 1, AF_INET6},                 // jeq AF_INET6 ? deny : allow
            {0x06, 0, 0, 0x00050000 | EAFNOSUPPORT}, // ret ERRNO(EAFNOSUPPORT)
            {0x06, 0, 0, 0x7fff0000},               // ret ALLOW
        };
        Arena arena = Arena.ofAuto();
        MemorySegment filter = arena.allocate(8L * program.length, 8);
        for (int i = 0; i < program.length; i++) {
            filter.set(ValueLayout.JAVA_SHORT, 8L * i, (short) program[i][0]);
            filter.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) program[i][1]);
            filter.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) program[i][2]);
            filter.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder()), 8L * i + 4, program[i][3]);
        }
        MemorySegment fprog = arena.allocate(16, 8);
        fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
        fprog.set(ADDRESS, 8, filter);
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG,
                        JAVA_LONG), Linker.Option.firstVariadicArg(1));
        // PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP with SECCOMP_MODE_FILTER
        assertThat((int) prctl.invokeExact(38, 1L, MemorySegment.NULL, 0L, 0L)).isZero();
        assertThat((int) prctl.invokeExact(22, 2L, fprog, 0L, 0L)).isZero();
    }
}
