package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.testkit.Lab;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** errno from real calls becomes one typed exception naming the call. */
class SyscallsLabTest {
    private final Syscalls sys = new Syscalls();

    @Test
    void bindingToAnInterfaceIndexThatDoesNotExistIsENODEV() {
        Lab.requireRoot();
        int fd = sys.socket(Abi.AF_PACKET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sll = arena.allocate(Abi.SOCKADDR_LL_SIZE, 4);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_PACKET);
            sll.set(ValueLayout.JAVA_SHORT, 2, Abi.htons(Abi.ETH_P_ALL));
            sll.set(ValueLayout.JAVA_INT, 4, 0x7ffffff0);
            assertThatThrownBy(() -> sys.bind(fd, sll)).isInstanceOfSatisfying(NativeIoException.class, e -> {
                assertThat(e.errnoName()).isIn("ENODEV", "ENXIO");
                assertThat(e.call()).isEqualTo("bind");
                assertThat(e.getMessage()).startsWith("bind: ENODEV (No such device)");
            });
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void closingABadDescriptorIsEBADF() {
        assertThatThrownBy(() -> sys.close(-1)).isInstanceOfSatisfying(NativeIoException.class,
                e -> assertThat(e.is(Errno.EBADF)).isTrue());
    }

    @Test
    void anUnknownSocketOptionIsENOPROTOOPT() {
        int fd = sys.socket(Abi.AF_INET, 2 /* SOCK_DGRAM */ | Abi.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> sys.setsockopt(fd, Abi.SOL_SOCKET, 9999,
                    arena.allocateFrom(ValueLayout.JAVA_INT, 1), "SO_9999"))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("ENOPROTOOPT");
                        assertThat(e.call()).isEqualTo("setsockopt(SO_9999)");
                    });
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void uidsAreTheOnesTheKernelReportsForThisProcess() throws Exception {
        String uidLine = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        String[] ids = uidLine.substring(4).trim().split("\\s+");
        assertThat(sys.getuid()).isEqualTo(Integer.parseInt(ids[0]));
        assertThat(sys.geteuid()).isEqualTo(Integer.parseInt(ids[1]));
        assertThat(Errno.nameOf(1)).isEqualTo("EPERM");
        assertThat(Errno.nameOf(4095)).isEqualTo("errno 4095");
    }

    @Test
    void aNiceValueAppliesToTheThreadThatSetItOnly() throws Exception {
        java.util.concurrent.CompletableFuture<int[]> seen = new java.util.concurrent.CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            Syscalls own = new Syscalls();
            own.setThreadNice(-7);
            try {
                seen.complete(new int[] {own.gettid(), niceOf(own.gettid())});
            } catch (java.io.IOException e) {
                seen.completeExceptionally(e);
            }
        });
        int[] r = seen.get(5, java.util.concurrent.TimeUnit.SECONDS);
        t.join(5000);
        assertThat(r[1]).isEqualTo(-7);
        assertThat(niceOf(new Syscalls().gettid())).isNotEqualTo(-7);
    }

    /** Field 19 of /proc/self/task/TID/stat (after the parenthesised name). */
    private static int niceOf(int tid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + tid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }
}
