package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketPathsTest {
    @Test
    void theOptionWinsOverEverything() {
        SocketPaths paths = new SocketPaths(Map.of("JLVS_SOCKET", "/env/j.sock", "XDG_RUNTIME_DIR", "/run/user/1000"), 0);
        assertThat(paths.socket("/opt/x.sock")).isEqualTo(Path.of("/opt/x.sock"));
    }

    @Test
    void theEnvironmentWinsOverTheDefaults() {
        assertThat(new SocketPaths(Map.of("JLVS_SOCKET", "/env/j.sock"), 0).socket(null)).isEqualTo(Path.of("/env/j.sock"));
        assertThat(new SocketPaths(Map.of("JLVS_SOCKET", "/env/j.sock", "XDG_RUNTIME_DIR", "/run/user/1000"), 1000)
                .socket(null)).isEqualTo(Path.of("/env/j.sock"));
    }

    @Test
    void emptyValuesCountAsUnset() {
        assertThat(new SocketPaths(Map.of("JLVS_SOCKET", "", "XDG_RUNTIME_DIR", ""), 1000).socket(""))
                .isEqualTo(Path.of("/tmp/jlvs-1000/jlvs.sock"));
    }

    @Test
    void rootUsesRun() {
        assertThat(new SocketPaths(Map.of("XDG_RUNTIME_DIR", "/run/user/0"), 0).socket(null))
                .isEqualTo(Path.of("/run/jlvs/jlvs.sock"));
    }

    @Test
    void otherUsersUseTheirRuntimeDirectoryOrAPrivateTmpDirectory() {
        assertThat(new SocketPaths(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000).socket(null))
                .isEqualTo(Path.of("/run/user/1000/jlvs/jlvs.sock"));
        assertThat(new SocketPaths(Map.of(), 1001).socket(null)).isEqualTo(Path.of("/tmp/jlvs-1001/jlvs.sock"));
    }

    @Test
    void relativePathsAreMadeAbsolute() {
        assertThat(new SocketPaths(Map.of(), 0).socket("x.sock")).isEqualTo(Path.of("x.sock").toAbsolutePath());
    }

    @Test
    void thePidFileSitsNextToTheSocket() {
        assertThat(SocketPaths.pidFileFor(Path.of("/run/jlvs/jlvs.sock"))).isEqualTo(Path.of("/run/jlvs/jlvs.pid"));
        assertThat(SocketPaths.pidFileFor(Path.of("/tmp/t/control"))).isEqualTo(Path.of("/tmp/t/control.pid"));
    }

    @Test
    void theCurrentUidIsTheOwnerOfOurProcess() throws Exception {
        long uid = SocketPaths.currentUid();
        Process id = new ProcessBuilder("id", "-u").start();
        assertThat(new String(id.getInputStream().readAllBytes()).strip()).isEqualTo(Long.toString(uid));
    }
}
