package io.jlvs.cli.adm;

import static io.jlvs.cli.adm.Tables.ip;
import static io.jlvs.cli.adm.Tables.rs;
import static io.jlvs.cli.adm.Tables.svc;
import static io.jlvs.cli.adm.Tables.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Command lines ipvsadm accepts, and the one table command each becomes (with ipvsadm's defaults filled in). */
class CommandLineAcceptedTest {

    /** Accepts every command and remembers it. */
    static final class Recorder implements IpvsControl {
        final List<IpvsCommand> commands = new ArrayList<>();

        @Override
        public void execute(IpvsCommand command) {
            commands.add(command);
        }

        @Override
        public IpvsTableView table() {
            return new IpvsTableView(4096, List.of(), Timeouts.DEFAULTS);
        }

        @Override
        public List<ConnectionView> connections() {
            return List.of();
        }

        @Override
        public List<SyncDaemonView> syncDaemons() {
            return List.of();
        }
    }

    private static final InetServiceKey S80 = tcp("10.1.1.1", 80);

    private static Arguments accepted(String line, IpvsCommand command) {
        return Arguments.of(line, command);
    }

    private static IpvsCommand add(VirtualService s) {
        return new IpvsCommand.AddService(s);
    }

    private static IpvsCommand addServer(RealServer r) {
        return new IpvsCommand.AddServer(S80, r);
    }

    static Stream<Arguments> lines() {
        InetServiceKey udp53 = new InetServiceKey(Protocol.UDP, ip("10.1.1.1"), 53);
        InetServiceKey v6 = tcp("2001:db8::1", 80);
        FwmarkServiceKey mark5v6 = new FwmarkServiceKey(5, AddressFamily.INET6);
        FwmarkServiceKey mark5 = new FwmarkServiceKey(5, AddressFamily.INET);
        return Stream.of(
                accepted("-A -t 10.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("--add-service --tcp-service 10.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("-At 10.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("-A -t10.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("-A --tcp-service=10.1.1.1:80 --scheduler=rr", add(VirtualService.of(S80, "rr"))),
                // popt drops one '=' between a short switch and its value
                accepted("-A -t=10.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("-A -t 10.1.1.1:80 -p=60", add(svc(S80, "wlc", null, 60, -1, false, null))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2 -w=5", addServer(rs("10.2.2.2", 80, ForwardingMethod.DROUTE, 5))),
                // popt's expandNextArg: every "!#:+" in a value is the next word that does not start with '-'
                accepted("-A -t 10.1.1.1:80 -s !#:+ rr", add(VirtualService.of(S80, "rr"))),
                accepted("-A -t 10.1.1.1:80 -s w!#:+!#:+ r", add(VirtualService.of(S80, "wrr"))),
                accepted("-A -t 10.1.1.1:80 -s !#:+", add(VirtualService.of(S80, "!#:+"))),
                accepted("-A -t 10.1.1.1:80 --sort", add(VirtualService.of(S80, "wlc"))),
                accepted("-A -t 10.1.1.1:http", add(VirtualService.of(S80, "wlc"))),
                accepted("-A -t www.example.com:80", add(VirtualService.of(tcp("192.168.0.10", 80), "wlc"))),
                accepted("-A -t 10.1.1:80", add(VirtualService.of(tcp("10.1.0.1", 80), "wlc"))),
                accepted("-A -t 0x0a.1.1.1:80", add(VirtualService.of(S80, "wlc"))),
                accepted("-A -u 10.1.1.1:53 -s rr -o", add(svc(udp53, "rr", null, 0, -1, true, null))),
                accepted("-A -u 10.1.1.1:domain -s rr", add(VirtualService.of(udp53, "rr"))),
                accepted("-A --sctp-service 10.1.1.1:3868 -s lc",
                        add(VirtualService.of(new InetServiceKey(Protocol.SCTP, ip("10.1.1.1"), 3868), "lc"))),
                accepted("-A -t 10.1.1.1:0 -p", add(svc(tcp("10.1.1.1", 0), "wlc", null, 360, -1, false, null))),
                accepted("-A -t 10.1.1.1 -p 60", add(svc(tcp("10.1.1.1", 0), "wlc", null, 60, -1, false, null))),
                accepted("-A -t 10.1.1.1:80 -p -s rr", add(svc(S80, "rr", null, 360, -1, false, null))),
                accepted("-A -t 10.1.1.1:80 -p 600 -M 255.255.255.0 -s sh -b sh-port,sh-fallback",
                        add(svc(S80, "sh", EnumSet.of(SchedFlag.SH_PORT, SchedFlag.SH_FALLBACK), 600, 0xffffff00,
                                false, null))),
                accepted("-A -t 10.1.1.1:80 -M 255.255.0.0 -p", add(svc(S80, "wlc", null, 360, 0xffff0000, false, null))),
                accepted("-A -t 10.1.1.1:80 -p 60 --pe sip", add(svc(S80, "wlc", null, 60, -1, false, "sip"))),
                accepted("-A -t 10.1.1.1:80 -b " + "flag-1,".repeat(17) + "flag-2", add(svc(S80, "wlc",
                        EnumSet.of(SchedFlag.FLAG_1, SchedFlag.FLAG_2), 0, -1, false, null))),
                accepted("-A -t 10.1.1.1:80 -b flag-2", add(svc(S80, "wlc", EnumSet.of(SchedFlag.FLAG_2), 0, -1,
                        false, null))),
                accepted("-A -t 10.1.1.1:80 -s averyveryverylongname", add(VirtualService.of(S80, "averyveryverylon"
                        .substring(0, 15)))),
                accepted("-A -t [2001:db8::1]:80 -p -M 64", add(svc(v6, "wlc", null, 360, 64, false, null))),
                // -M read as IPv4 before the service is IPv6, then replaced by 128 (-t's parse_service, -6)
                accepted("-A -p -M 64 -t [2001:db8::1]:80", add(svc(v6, "wlc", null, 360, 128, false, null))),
                accepted("-A -f 5 -M 255.255.0.0 -6 -p", add(svc(mark5v6, "wlc", null, 360, 128, false, null))),
                accepted("-A -f 5 -6 -M 64 -6 -p", add(svc(mark5v6, "wlc", null, 360, 128, false, null))),
                accepted("-A -f 5 -6 -M 64 -p", add(svc(mark5v6, "wlc", null, 360, 64, false, null))),
                accepted("-A -t [2001:db8::1]:80 -s mh -b mh-port", add(svc(v6, "mh", EnumSet.of(SchedFlag.MH_PORT),
                        0, 128, false, null))),
                accepted("-A -t 2001:db8::1 -p", add(svc(tcp("2001:db8::1", 0), "wlc", null, 360, 128, false, null))),
                accepted("-A -f 5 -6 -s mh -b mh-fallback", add(svc(mark5v6, "mh", EnumSet.of(SchedFlag.MH_FALLBACK),
                        0, 128, false, null))),
                accepted("-A -f 5 -o", add(svc(mark5, "wlc", null, 0, -1, true, null))),
                accepted("-A -f 4294967295", add(VirtualService.of(new FwmarkServiceKey(-1, AddressFamily.INET),
                        "wlc"))),
                accepted("-E -t 10.1.1.1:80 -s rr", new IpvsCommand.EditService(VirtualService.of(S80, "rr"))),
                accepted("-D -t 10.1.1.1:80", new IpvsCommand.DeleteService(S80)),
                accepted("-D -f 5 -6", new IpvsCommand.DeleteService(mark5v6)),
                accepted("-C", new IpvsCommand.Clear()),
                accepted("--clear", new IpvsCommand.Clear()),
                accepted("-Z", new IpvsCommand.Zero(null)),
                accepted("-Z -t 10.1.1.1:80", new IpvsCommand.Zero(S80)),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2", addServer(rs("10.2.2.2", 80, ForwardingMethod.DROUTE, 1))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2:8080 -g", addServer(rs("10.2.2.2", 80, ForwardingMethod.DROUTE,
                        1))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2:8080 -m -w 0 -x 10 -y 5",
                        addServer(new RealServer(ip("10.2.2.2"), 8080, ForwardingMethod.MASQ, 0, 10, 5, null, 0,
                                null))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2:8080 -F", addServer(rs("10.2.2.2", 8080,
                        ForwardingMethod.FULLNAT, 1))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2:8080 --fullnat -w 65535", addServer(rs("10.2.2.2", 8080,
                        ForwardingMethod.FULLNAT, 65535))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2:8080 -i", addServer(Tables.tunnel("10.2.2.2", 80,
                        TunnelType.IPIP, 0, TunnelChecksum.NOCSUM))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2 -i --tun-type gue --tun-port 6080 --tun-csum",
                        addServer(Tables.tunnel("10.2.2.2", 80, TunnelType.GUE, 6080, TunnelChecksum.CSUM))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2 -i --tun-type gue --tun-port 6080",
                        addServer(Tables.tunnel("10.2.2.2", 80, TunnelType.GUE, 6080, TunnelChecksum.NOCSUM))),
                accepted("-a -t 10.1.1.1:80 -r 10.2.2.2 -i --tun-type gre --tun-nocsum",
                        addServer(Tables.tunnel("10.2.2.2", 80, TunnelType.GRE, 0, TunnelChecksum.NOCSUM))),
                accepted("-a -t 10.1.1.1:80 -r 2001:db8::5 -i", addServer(Tables.tunnel("2001:db8::5", 80,
                        TunnelType.IPIP, 0, TunnelChecksum.NOCSUM))),
                accepted("-a -t 10.1.1.1:80 -r rs1.example.com:https -m", addServer(rs("10.0.0.11", 443,
                        ForwardingMethod.MASQ, 1))),
                // -r before -t: no service port yet, so a masqueraded server without one gets port 0, as in ipvsadm
                accepted("-a -r 10.2.2.2 -t 10.1.1.1:80 -m", addServer(rs("10.2.2.2", 0, ForwardingMethod.MASQ, 1))),
                accepted("-a -r 10.2.2.2 -t 10.1.1.1:80", addServer(rs("10.2.2.2", 80, ForwardingMethod.DROUTE, 1))),
                accepted("-a -f 5 -r 10.2.2.2:8080 -g", new IpvsCommand.AddServer(mark5, rs("10.2.2.2", 8080,
                        ForwardingMethod.DROUTE, 1))),
                accepted("-a -f 5 -6 -r [2001:db8::9]:80 -m", new IpvsCommand.AddServer(mark5v6, rs("2001:db8::9", 80,
                        ForwardingMethod.MASQ, 1))),
                accepted("-e -t 10.1.1.1:80 -r 10.2.2.2 -w 3", new IpvsCommand.EditServer(S80, rs("10.2.2.2", 80,
                        ForwardingMethod.DROUTE, 3))),
                accepted("-d -t 10.1.1.1:80 -r 10.2.2.2", new IpvsCommand.DeleteServer(S80, ip("10.2.2.2"), 80)),
                accepted("-d -t 10.1.1.1:80 -r 10.2.2.2:8080", new IpvsCommand.DeleteServer(S80, ip("10.2.2.2"), 8080)),
                accepted("--set 900 120 0", new IpvsCommand.SetTimeouts(new Timeouts(900, 120, 0))),
                accepted("--start-daemon master --mcast-interface eth1 --syncid 3 --mcast-group 239.0.0.1 "
                                + "--mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1400",
                        new IpvsCommand.StartDaemon(new SyncDaemonView("master", "eth1", 3, 1400, "239.0.0.1", 9000,
                                3))),
                accepted("--start-daemon=backup --mcast-group ff02::1:2",
                        new IpvsCommand.StartDaemon(new SyncDaemonView("backup", "eth0", 0, 0, "ff02::1:2", 0, 0))),
                accepted("--stop-daemon master --syncid 1", new IpvsCommand.StopDaemon("master")));
    }

    @ParameterizedTest(name = "jlvsadm {0}")
    @MethodSource("lines")
    void becomesOneTableCommand(String line, IpvsCommand expected) {
        Recorder control = new Recorder();

        Run run = Run.line(control, line);

        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(control.commands).containsExactly(expected);
    }
}
