package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.RealServerView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.control.ControlClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DaemonProcessTest {
    private static final InetServiceKey WEB = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
    private static final RealServer RS1 = RealServer.of(IpAddress.parse("192.168.1.11"), 80, ForwardingMethod.MASQ, 2);

    @TempDir
    Path dir;

    private DaemonOptions options(String socket, String pid) {
        return new DaemonOptions(dir.resolve(socket), dir.resolve(pid), new IpvsEngine());
    }

    @Test
    void aClientAddsListsAndDeletesThroughTheDaemon() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(options("jlvs.sock", "jlvs.pid"));
             ControlClient client = ControlClient.connect(daemon.socket())) {
            client.execute(new IpvsCommand.AddService(VirtualService.of(WEB, "rr")));
            client.execute(new IpvsCommand.AddServer(WEB, RS1));

            assertThat(client.table().services()).singleElement().satisfies(vs -> {
                assertThat(vs.service().key()).isEqualTo(WEB);
                assertThat(vs.service().scheduler()).isEqualTo("rr");
                assertThat(vs.realServers()).extracting(RealServerView::server).containsExactly(RS1);
            });

            client.execute(new IpvsCommand.DeleteServer(WEB, RS1.address(), RS1.port()));
            assertThat(client.table().services().getFirst().realServers()).isEmpty();
            client.execute(new IpvsCommand.DeleteService(WEB));
            assertThat(client.table().services()).isEmpty();

            assertThatThrownBy(() -> client.execute(new IpvsCommand.DeleteService(WEB)))
                    .isInstanceOfSatisfying(IpvsException.class,
                            e -> assertThat(e.error()).isEqualTo(IpvsError.NO_SUCH_SERVICE))
                    .hasMessage("No such service");
        }
    }

    @Test
    void writesItsPidAndRemovesSocketAndPidFileOnClose() throws Exception {
        DaemonProcess daemon = DaemonProcess.start(options("jlvs.sock", "jlvs.pid"));
        assertThat(Files.readString(dir.resolve("jlvs.pid"))).isEqualTo(ProcessHandle.current().pid() + "\n");
        assertThat(dir.resolve("jlvs.sock")).exists();
        daemon.close();
        daemon.awaitStopped();
        assertThat(dir.resolve("jlvs.sock")).doesNotExist();
        assertThat(dir.resolve("jlvs.pid")).doesNotExist();
        daemon.close();
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefusedAndLeavesTheFirstAlone() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(options("jlvs.sock", "jlvs.pid"))) {
            assertThatThrownBy(() -> DaemonProcess.start(options("jlvs.sock", "other.pid")))
                    .isInstanceOf(DaemonStartException.class)
                    .hasMessageStartingWith("another jlvs daemon is already running on " + first.socket());
            assertThat(dir.resolve("other.pid")).doesNotExist();

            assertThatThrownBy(() -> DaemonProcess.start(options("jlvs.sock", "jlvs.pid")))
                    .isInstanceOf(DaemonStartException.class);
            assertThat(first.pidFile()).exists();
            try (ControlClient client = ControlClient.connect(first.socket())) {
                assertThat(client.ping()).isEqualTo(ProcessHandle.current().pid());
            }
        }
    }

    @Test
    void aLiveProcessInThePidFileRefusesTheStart() throws Exception {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Files.writeString(dir.resolve("jlvs.pid"), parent + "\n");
        assertThatThrownBy(() -> DaemonProcess.start(options("jlvs.sock", "jlvs.pid")))
                .isInstanceOf(DaemonStartException.class)
                .hasMessageStartingWith("jlvs is already running as pid " + parent + " (pid file "
                        + dir.resolve("jlvs.pid") + ")");
        assertThat(dir.resolve("jlvs.sock")).doesNotExist();
        assertThat(Files.readString(dir.resolve("jlvs.pid"))).isEqualTo(parent + "\n");
    }

    @Test
    void aStalePidFileIsReplaced() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        for (String stale : new String[] {gone.pid() + "\n", "not a pid", ""}) {
            Files.writeString(dir.resolve("jlvs.pid"), stale);
            try (DaemonProcess daemon = DaemonProcess.start(options("jlvs.sock", "jlvs.pid"))) {
                assertThat(Files.readString(daemon.pidFile())).isEqualTo(ProcessHandle.current().pid() + "\n");
            }
        }
    }

    @Test
    void aSocketDirectoryThatIsAFileGivesOneClearLine() throws Exception {
        Files.writeString(dir.resolve("run"), "");
        assertThatThrownBy(() -> DaemonProcess.start(options("run/jlvs.sock", "jlvs.pid")))
                .isInstanceOf(DaemonStartException.class)
                .hasMessage("cannot create the control socket in " + dir.resolve("run") + ": not a directory");
        assertThat(dir.resolve("jlvs.pid")).doesNotExist();
    }

    @Test
    void anUnwritablePidFileUndoesTheSocket() throws Exception {
        Files.createDirectory(dir.resolve("pid-is-a-dir.pid"));
        Files.writeString(dir.resolve("pid-is-a-dir.pid").resolve("x"), "");
        assertThatThrownBy(() -> DaemonProcess.start(options("jlvs.sock", "pid-is-a-dir.pid")))
                .isInstanceOf(DaemonStartException.class)
                .hasMessageStartingWith("cannot write the pid file " + dir.resolve("pid-is-a-dir.pid"));
        assertThat(dir.resolve("jlvs.sock")).doesNotExist();
    }

    @Test
    void jlvsadmFindsTheSocketConnectorThroughServiceLoader() throws Exception {
        assertThat(java.util.ServiceLoader.load(io.jlvs.cli.adm.ControlConnector.class).stream()
                .map(java.util.ServiceLoader.Provider::type))
                .contains(SocketControlConnector.class);
        try (DaemonProcess daemon = DaemonProcess.start(options("jlvs.sock", "jlvs.pid"))) {
            SocketControlConnector connector = new SocketControlConnector(daemon.socket());
            assertThat(connector.describe()).isEqualTo(daemon.socket().toString());
            assertThat(connector.connect().table().services()).isEmpty();
        }
        assertThatThrownBy(() -> new SocketControlConnector(dir.resolve("jlvs.sock")).connect())
                .hasMessageContaining("set JLVS_SOCKET").hasMessageNotContaining("jlvs.sock");
    }
}
