package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.command.IpvsControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, version, the daemon connection and the system name resolver. */
class ProgramTest {

    private static final class CountingConnector implements ControlConnector {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public IpvsControl connect() throws IOException {
            attempts.incrementAndGet();
            throw new IOException("connection refused");
        }

        @Override
        public String describe() {
            return "/run/jlvs/control.sock";
        }
    }

    @Test
    void anUnreachableDaemonGivesOneLineAndStatusOne() {
        CountingConnector connector = new CountingConnector();

        Run run = Run.of(new LazyControl(connector), "-L", "-n");

        assertThat(run.err()).isEqualTo("jlvsadm: cannot reach the jlvs daemon at /run/jlvs/control.sock: "
                + "connection refused; start it with 'jlvs run'\n");
        assertThat(run.err()).isEqualTo(String.format(Jlvsadm.NO_DAEMON, "/run/jlvs/control.sock",
                "connection refused") + "\n");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
    }

    /** A daemon whose socket this user may not use runs all the same: say that, as ipvsadm says "you must be root". */
    @Test
    void aSocketWeMayNotUseIsNoMissingDaemon() {
        assertThat(Jlvsadm.noDaemonMessage("/run/jlvs/jlvs.sock", "Permission denied")).isEqualTo(
                "jlvsadm: cannot use the jlvs daemon's socket /run/jlvs/jlvs.sock: Permission denied (you must be "
                        + "root, or the daemon's user)");
    }

    @Test
    void noConnectorInstalledSaysSo() {
        Run run = Run.of(new LazyControl(Jlvsadm.missingConnector()), "-A", "-t", "10.1.1.1:80");

        assertThat(run.err()).startsWith("jlvsadm: cannot reach the jlvs daemon at ").endsWith(
                "; start it with 'jlvs run'\n");
        assertThat(run.status()).isEqualTo(1);
    }

    @Test
    void helpVersionAndRefusedLinesNeedNoDaemon() {
        CountingConnector connector = new CountingConnector();

        Run help = Run.of(new LazyControl(connector), "-h");
        Run version = Run.of(new LazyControl(connector), "--version");
        Run refused = Run.of(new LazyControl(connector), "-A", "-t", "10.1.1.1:0");

        assertThat(help.status()).isZero();
        assertThat(help.out()).startsWith("jlvsadm v1.31").contains("Usage:", "--fullnat", "--json", "--tun-type");
        assertThat(version.out()).isEqualTo("jlvsadm v1.31 2019/12/24 (compiled with jlvs and IPVS v1.2.1)\n");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(connector.attempts).hasValue(0);
    }

    @Test
    void noArgumentsListsTheTable() {
        InMemoryIpvs table = Tables.rich();

        assertThat(Run.of(table).out()).isEqualTo(Run.of(table, "-L").out()).startsWith("IP Virtual Server");
    }

    @Test
    void numericOutputNeverAsksTheResolver() {
        NameResolver failing = new NameResolver() {
            @Override
            public io.jlvs.core.IpAddress hostToIpv4(String name) {
                throw new AssertionError("looked up " + name);
            }

            @Override
            public String hostName(io.jlvs.core.IpAddress address) {
                throw new AssertionError("looked up " + address);
            }

            @Override
            public int serviceToPort(String name, io.jlvs.core.Protocol protocol) {
                throw new AssertionError("looked up " + name);
            }

            @Override
            public String serviceName(int port, io.jlvs.core.Protocol protocol) {
                throw new AssertionError("looked up " + port);
            }
        };

        Run run = Run.of(Tables.rich(), failing, "", "-L", "-n");

        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("TCP  192.168.0.10:80 wlc");
    }

    @Test
    void systemResolverReadsTheServicesFile(@TempDir Path dir) throws IOException {
        Path services = dir.resolve("services");
        Files.writeString(services, """
                # comment
                http		80/tcp		www		# WorldWideWeb HTTP
                domain		53/udp
                diameter	3868/sctp
                """);
        SystemNameResolver resolver = new SystemNameResolver(services);

        assertThat(resolver.serviceToPort("www", io.jlvs.core.Protocol.TCP)).isEqualTo(80);
        assertThat(resolver.serviceToPort("http", io.jlvs.core.Protocol.UDP)).isEqualTo(-1);
        assertThat(resolver.serviceName(53, io.jlvs.core.Protocol.UDP)).isEqualTo("domain");
        assertThat(resolver.serviceName(3868, io.jlvs.core.Protocol.SCTP)).isEqualTo("diameter");
        assertThat(resolver.serviceName(81, io.jlvs.core.Protocol.TCP)).isNull();
        assertThat(resolver.hostToIpv4("127.0.0.1")).isEqualTo(io.jlvs.core.IpAddress.parse("127.0.0.1"));
    }

    @Test
    void legalityRowsCoverEveryOption() {
        for (AdmCommand c : AdmCommand.values()) {
            for (AdmOption o : AdmOption.values()) {
                assertThat(" x+1").as("%s x %s", c, o).contains(String.valueOf(c.rule(o)));
            }
        }
    }
}
