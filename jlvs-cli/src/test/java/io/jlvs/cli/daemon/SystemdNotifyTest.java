package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify against a datagram socket this test binds, standing in for systemd's. */
@Timeout(30)
class SystemdNotifyTest {
    @TempDir
    Path dir;

    /** What systemd would see: an AF_UNIX datagram socket, non-blocking, bound to a path or abstract name. */
    private static final class FakeSystemd implements AutoCloseable {
        private final Syscalls sys = new Syscalls();
        private final Arena arena = Arena.ofConfined();
        private final int fd;

        FakeSystemd(String name) {
            fd = sys.socket(1, 2 | 0x800 | 0x80000, 0);
            byte[] path = (name.startsWith("@") ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
            int offset = name.startsWith("@") ? 3 : 2;
            MemorySegment address = arena.allocate(offset + path.length + (name.startsWith("@") ? 0 : 1));
            address.set(ValueLayout.JAVA_SHORT, 0, (short) 1);
            MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, offset, path.length);
            sys.bind(fd, address);
        }

        /** Every datagram waiting, oldest first. A local datagram is queued by the time sendto returns. */
        List<String> received() {
            List<String> out = new ArrayList<>();
            MemorySegment buffer = arena.allocate(4096);
            long n;
            while ((n = sys.recvfrom(fd, buffer, 0, MemorySegment.NULL, MemorySegment.NULL)) >= 0) {
                out.add(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
            }
            return out;
        }

        @Override
        public void close() {
            sys.close(fd);
            arena.close();
        }
    }

    @Test
    void readyReachesASocketNamedByAPath() {
        String path = dir.resolve("notify").toString();
        try (FakeSystemd systemd = new FakeSystemd(path)) {
            SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path));
            assertThat(notify.enabled()).isTrue();
            assertThat(notify.ready("serving")).isTrue();
            assertThat(systemd.received()).containsExactly("READY=1\nSTATUS=serving");
        }
    }

    @Test
    void readyReachesAnAbstractSocket() {
        String name = "@jlvs-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (FakeSystemd systemd = new FakeSystemd(name)) {
            SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", name));
            notify.stopping();
            assertThat(systemd.received()).containsExactly("STOPPING=1\nSTATUS=stopping");
        }
    }

    @Test
    void reloadingCarriesTheMonotonicClockSystemdAsksFor() {
        String path = dir.resolve("notify").toString();
        try (FakeSystemd systemd = new FakeSystemd(path)) {
            long before = System.nanoTime() / 1000;
            SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path)).reloading();
            long after = System.nanoTime() / 1000;
            assertThat(systemd.received()).singleElement().satisfies(msg -> {
                assertThat(msg).startsWith("RELOADING=1\nMONOTONIC_USEC=");
                long usec = Long.parseLong(msg.substring(msg.indexOf('=', 12) + 1));
                assertThat(usec).isBetween(before, after);
            });
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of());
        assertThat(notify.enabled()).isFalse();
        assertThat(notify.ready("x")).isFalse();
        assertThat(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled()).isFalse();
    }

    @Test
    void aSocketThatIsNotThereFailsQuietly() {
        SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("gone").toString()));
        assertThat(notify.ready("x")).isFalse();
        assertThat(notify.stopping()).isFalse();
        assertThat(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234")).ready("x")).isFalse();
        assertThat(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(200))).ready("x")).isFalse();
    }

    @Test
    void theDaemonIsReadyOnceItServesAndStoppingWhenItCloses() throws Exception {
        String path = dir.resolve("notify").toString();
        try (FakeSystemd systemd = new FakeSystemd(path)) {
            SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", path));
            DaemonOptions options = new DaemonOptions(dir.resolve("jlvs.sock"), dir.resolve("jlvs.pid"), new IpvsEngine());
            DaemonProcess daemon = DaemonProcess.start(options, notify);
            assertThat(systemd.received()).as("not ready before the caller says so").isEmpty();

            daemon.ready();
            daemon.ready();
            List<String> ready = systemd.received();
            assertThat(ready).singleElement().asString().startsWith("READY=1\n").contains(daemon.socket().toString());
            try (ControlClient client = ControlClient.connect(daemon.socket())) {
                assertThat(client.ping()).isEqualTo(ProcessHandle.current().pid());
            }

            daemon.close();
            assertThat(systemd.received()).containsExactly("STOPPING=1\nSTATUS=stopping");
        }
    }
}
