package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Command lines ipvsadm 1.31 refuses: the same message on stderr, the same exit status, and no change made. */
class CommandLineRefusalTest {

    private static Arguments refused(String line, int status, String message) {
        return Arguments.of(line, status, message);
    }

    static Stream<Arguments> usageErrors() {
        String tryHelp = "Try `jlvsadm -h' or 'jlvsadm --help' for more information.";
        return Stream.of(
                // the command must come first; popt errors exit 255
                refused("-n -L", 255, tryHelp),
                refused("foo", 255, tryHelp),
                refused("--start-daemon", 255, tryHelp),
                refused("-L --bogus", 255, "--bogus: unknown option"),
                refused("-Lq", 255, "-Lq: unknown option"),
                refused("-A -t", 255, "-t: missing argument"),
                refused("-L --numeric=yes", 255, "--numeric=yes: option does not take an argument"),
                // popt matches long names whole: no abbreviations, so no "ambiguous option" either
                refused("-L --st", 255, "--st: unknown option"),
                refused("-L --stat", 255, "--stat: unknown option"),
                refused("-A --tcp 10.1.1.1:80 --schedu=rr", 255, "--tcp: unknown option"),
                refused("--add-serv -t 1.1.1.1:80", 255, tryHelp),
                refused("--lis", 255, tryHelp),
                // a short switch without a value followed by '=' has an unwanted argument
                refused("-L -n=x", 255, "-n=x: option does not take an argument"),
                refused("-Ln=x", 255, "-Ln=x: option does not take an argument"),
                refused("-L=", 255, tryHelp),
                refused("-A -t 1.1.1.1:80 -p=", 2, "invalid timeout value `' specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -w=", 2, "illegal weight specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -w==5", 2, "illegal weight specified"),
                // a second command, -h or -v falls to ipvsadm's "invalid option", naming popt's last word read
                refused("-A -t 1.1.1.1:80 -D", 2, "invalid option `-D'"),
                refused("-L --start-daemon master", 2, "invalid option `master'"),
                refused("-L --stop-daemon=backup", 2, "invalid option `--stop-daemon=backup'"),
                refused("-A -t 1.1.1.1:80 -s rr -hn", 2, "invalid option `-hn'"),
                refused("-A -t 1.1.1.1:80 -v", 2, "invalid option `-v'"),
                refused("-L -h", 2, "invalid option `-h'"),
                // popt's expandNextArg: "!#:+" in a value is the next word not starting with '-', which an option
                // may still take as its value
                refused("-A -s !#:+ -p rr -t 1.1.1.1:80", 2, "invalid timeout value `rr' specified"),
                refused("-A -s !#:+ -p 10 rr -t 1.1.1.1:80", 2, "unexpected argument rr"),
                refused("-A -s !#:+ -t 1.1.1.1:80 rr", 2, "unexpected argument rr"),
                refused("-L foo", 2, "unexpected argument foo"),
                // the command x option table
                refused("-A", 2, "You need to supply the 'service-address' option for the 'add-service' command"),
                refused("-E -s rr", 2, "You need to supply the 'service-address' option for the 'edit-service' command"),
                refused("-a -t 1.1.1.1:80", 2, "You need to supply the 'real-server' option for the 'add-server' command"),
                refused("-e -t 1.1.1.1:80", 2, "You need to supply the 'real-server' option for the 'edit-server' command"),
                refused("-d -r 2.2.2.2", 2, "You need to supply the 'service-address' option for the 'delete-server' command"),
                refused("-A -t 1.1.1.1:80 -r 2.2.2.2", 2, "Illegal 'real-server' option with the 'add-service' command"),
                refused("-A -t 1.1.1.1:80 -w 2", 2, "Illegal 'weight' option with the 'add-service' command"),
                refused("-E -t 1.1.1.1:80 -n", 2, "Illegal 'numeric' option with the 'edit-service' command"),
                refused("-D -t 1.1.1.1:80 -s rr", 2, "Illegal 'scheduler' option with the 'delete-service' command"),
                refused("-C -n", 2, "Illegal 'numeric' option with the 'flush' command"),
                refused("-S -c", 2, "Illegal 'connection' option with the 'save' command"),
                refused("-R -n", 2, "Illegal 'numeric' option with the 'restore' command"),
                refused("-Z -n", 2, "Illegal 'numeric' option with the 'zero' command"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -s rr", 2, "Illegal 'scheduler' option with the 'add-server' command"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -o", 2, "Illegal 'ops' option with the 'add-server' command"),
                refused("-d -t 1.1.1.1:80 -r 2.2.2.2 -w 1", 2, "Illegal 'weight' option with the 'delete-server' command"),
                refused("-d -t 1.1.1.1:80 -r 2.2.2.2 -m", 2, "Illegal 'forwarding-method' option with the 'delete-server' command"),
                refused("-A -t 1.1.1.1:80 --json", 2, "Illegal 'json' option with the 'add-service' command"),
                refused("-L -s rr", 2, "Illegal 'scheduler' option with the 'list' command"),
                refused("-L -t 1.1.1.1:80 -r 2.2.2.2", 2, "Illegal 'real-server' option with the 'list' command"),
                refused("--set 1 2 3 -n", 2, "Illegal 'numeric' option with the 'set' command"),
                refused("--stop-daemon master --mcast-interface eth0", 2,
                        "Illegal 'mcast-interface' option with the 'stop-daemon' command"),
                refused("--start-daemon master -n", 2, "Illegal 'numeric' option with the 'start-daemon' command"),
                refused("-Lc -t 1.1.1.1:80", 2,
                        "The option 'service-address' conflicts with the 'connection' option in the 'list' command"),
                refused("-L --timeout --daemon", 2,
                        "The option 'daemon' conflicts with the 'timeout' option in the 'list' command"),
                refused("-L -c --rate", 2, "options conflicts in the list command"),
                refused("-L --daemon --stats", 2, "options conflicts in the list command"),
                refused("-L --timeout --persistent-conn", 2, "options conflicts in the list command"),
                // repeated options
                refused("-A -t 1.1.1.1:80 -s rr -s wrr", 2, "multiple 'scheduler' options specified"),
                refused("-A -t 1.1.1.1:80 -u 1.1.1.1:53", 2, "multiple 'service-address' options specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -m -g", 2, "multiple 'forwarding-method' options specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -m --fullnat", 2, "multiple 'forwarding-method' options specified"),
                refused("-Lnn", 2, "multiple 'numeric' options specified"),
                // -M and -r are read when they come, as ipvsadm's loop reads them: their error before a later
                // one, with the service as known so far (no protocol for a port name, IPv4 before an IPv6 -t)
                refused("-A -t 1.1.1.1:80 -p -M 300.1.1.1 -M 1.1.1.1", 2, "illegal virtual server persistent mask specified"),
                refused("-A -t 1.1.1.1:80 -p -M 300.1.1.1 -s rr -s wrr", 2,
                        "illegal virtual server persistent mask specified"),
                refused("-A -p -M 64x -t [2001:db8::1]:80", 2, "illegal virtual server persistent mask specified"),
                refused("-a -t 1.1.1.1:80 -r nosuchhost -r 2.2.2.2", 2, "illegal real server address[:port] specified"),
                refused("-a -t 1.1.1.1:80 -r nosuchhost -w 99999", 2, "illegal real server address[:port] specified"),
                refused("-a -r 2.2.2.2:http -t 1.1.1.1:80", 2, "illegal real server address[:port] specified"),
                // values
                refused("-A -t 1.1.1.1:0", 2, "Zero port specified for non-persistent service"),
                refused("-E -t 1.1.1.1", 2, "Zero port specified for non-persistent service"),
                refused("-A -t 1.1.1.1:80 -o", 2, "One-Packet Scheduling is only for UDP virtual services"),
                refused("-A --sctp-service 1.1.1.1:80 -o", 2, "One-Packet Scheduling is only for UDP virtual services"),
                refused("-A -t 1.1.1.1:99999", 2, "illegal virtual server address[:port] specified"),
                refused("-A -t 80", 2, "illegal virtual server address[:port] specified"),
                refused("-A -t nosuchhost:80", 2, "illegal virtual server address[:port] specified"),
                refused("-A -t 1.1.1.1:nosuchport", 2, "illegal virtual server address[:port] specified"),
                refused("-A -t [2001:db8::1]", 2, "illegal virtual server address[:port] specified"),
                refused("-a -t 1.1.1.1:80 -r nosuchhost", 2, "illegal real server address[:port] specified"),
                refused("-A -f 0", 2, "invalid fwmark value `0' specified"),
                refused("-A -f 4294967296", 2, "invalid fwmark value `4294967296' specified"),
                refused("-A -f x1", 2, "invalid fwmark value `x1' specified"),
                refused("-A -t 1.1.1.1:80 -6", 2, "-6 used before -f\n"),
                refused("-A -t 1.1.1.1:80 -p 0", 2, "invalid timeout value `0' specified"),
                refused("-A -t 1.1.1.1:80 -p 2678401", 2, "invalid timeout value `2678401' specified"),
                refused("-A -t 1.1.1.1:80 -p -M 300.1.1.1", 2, "illegal virtual server persistent mask specified"),
                refused("-A -t [2001:db8::1]:80 -p -M 129", 2, "illegal ipv6 netmask specified"),
                refused("-A -f 3 -6 -p -M 0", 2, "illegal ipv6 netmask specified"),
                refused("-A -t 1.1.1.1:80 -b sh-port", 2, "incompatible scheduler flag `sh-port'"),
                refused("-A -t 1.1.1.1:80 -s sh -b mh-port", 2, "incompatible scheduler flag `mh-port'"),
                refused("-A -t 1.1.1.1:80 -s sh -b sh-port,bogus", 2, "invalid scheduler flag `bogus'"),
                // -b's text is cut at 127 characters, as ipvsadm's 128-byte buffer cuts it
                refused("-A -t 1.1.1.1:80 -b " + "flag-1,".repeat(18) + "flag-2", 2, "invalid scheduler flag `f'"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -w 2147483648", 2, "illegal weight specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -w -1", 2, "illegal weight specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -x abc", 2, "illegal u_threshold specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -y 1e3", 2, "illegal l_threshold specified"),
                refused("-a -t 1.1.1.1:80 -r 2001:db8::2", 2,
                        "Different address family is allowed only for tunneling servers"),
                refused("-a -f 4 -6 -r 2.2.2.2 -m", 2, "Different address family is allowed only for tunneling servers"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -m --tun-type gre", 2, "Tunnel options conflict with forward method"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 --tun-csum", 2, "Tunnel options conflict with forward method"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-type gue", 2,
                        "You need to supply the 'tun-port' option for the 'gue' tunnel type"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-port 1", 2,
                        "Illegal 'tun-port' option with the 'ipip' tunnel type"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-csum", 2,
                        "Illegal 'tun-csum' option with the 'ipip' tunnel type"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-type gre --tun-remcsum", 2,
                        "Illegal 'tun-remcsum' option with the 'gre' tunnel type"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-type gue --tun-port 1 --tun-csum --tun-nocsum", 2,
                        "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-type foo", 2, "illegal tunnel type specified"),
                refused("-a -t 1.1.1.1:80 -r 2.2.2.2 -i --tun-type gue --tun-port 0", 2, "illegal tunnel port specified"),
                refused("--set 1 2", 2, "--set option requires 3 timeout values"),
                refused("--set 1 2 x", 2, "invalid timeout value `x' specified"),
                refused("--set 1 2 3 4", 2, "unexpected argument 4"),
                refused("--start-daemon foo", 2, "illegal start-daemon parameter specified"),
                refused("--stop-daemon foo", 2, "illegal start_daemon specified"),
                refused("--start-daemon master --mcast-group 10.0.0.1", 2, "invalid IPv4 mcast-group `10.0.0.1'"),
                refused("--start-daemon master --mcast-group 2001:db8::1", 2, "invalid IPv6 mcast-group `2001:db8::1'"),
                // inet_pton, not inet_aton: a leading zero is refused, also in an IPv6 address's IPv4 tail
                refused("--start-daemon master --mcast-group 239.01.2.3", 2, "invalid IPv4 mcast-group `239.01.2.3'"),
                refused("--start-daemon master --mcast-group 239.1.2.003", 2, "invalid IPv4 mcast-group `239.1.2.003'"),
                refused("--start-daemon master --mcast-group ff02::01.2.3.4", 2,
                        "invalid IPv6 mcast-group `ff02::01.2.3.4'"),
                refused("--start-daemon master --mcast-group ff02::00001", 2, "invalid IPv6 mcast-group `ff02::00001'"),
                refused("-A -t [::ffff:01.2.3.4]:80", 2, "illegal virtual server address[:port] specified"),
                refused("--start-daemon master --syncid 256", 2, "illegal syncid specified"),
                refused("--start-daemon master --mcast-port 0", 2, "illegal mcast-port specified"),
                refused("--start-daemon master --mcast-ttl 256", 2, "illegal mcast-ttl specified"),
                refused("--start-daemon master --sync-maxlen 65508", 2, "illegal sync-maxlen specified"));
    }

    @ParameterizedTest(name = "jlvsadm {0} -> {1}")
    @MethodSource("usageErrors")
    void refusesAsIpvsadmDoes(String line, int status, String message) {
        InMemoryIpvs table = Tables.rich();

        Run run = Run.line(table, line);

        assertThat(run.err()).isEqualTo(message + "\n");
        assertThat(run.status()).isEqualTo(status);
        assertThat(run.out()).isEmpty();
        assertThat(table.executed()).isEmpty();
    }

    static Stream<Arguments> tableErrors() {
        return Stream.of(
                refused("-A -t 192.168.0.10:80", 255, "Service already exists"),
                refused("-A -t 10.9.9.9:80 -s nosuch", 255, "Scheduler or persistence engine not found"),
                refused("-A -t 10.9.9.9:80 -p --pe nosuch", 255, "Scheduler or persistence engine not found"),
                refused("-E -t 192.168.0.10:80 -s nosuch", 255, "Scheduler or persistence engine not found"),
                refused("-E -t 10.9.9.9:80", 255, "No such service"),
                refused("-D -t 10.9.9.9:80", 255, "No such service"),
                refused("-Z -t 10.9.9.9:80", 255, "No such service"),
                refused("-a -t 10.9.9.9:80 -r 10.0.0.1", 255, "Service not defined"),
                refused("-e -t 10.9.9.9:80 -r 10.0.0.1", 255, "Service not defined"),
                refused("-d -f 99 -r 10.0.0.1", 255, "Service not defined"),
                refused("-a -t 192.168.0.10:80 -r 10.0.0.11", 255, "Destination already exists"),
                refused("-e -t 192.168.0.10:80 -r 10.0.0.99", 255, "No such destination"),
                refused("-d -t 192.168.0.10:80 -r 10.0.0.99", 255, "No such destination"),
                refused("--start-daemon master", 255, "Daemon has already run"),
                refused("-L -t 10.9.9.9:80", 1, "No such service"),
                refused("-L -n -f 7 -6", 1, "No such service"));
    }

    @ParameterizedTest(name = "jlvsadm {0} -> {2}")
    @MethodSource("tableErrors")
    void tableRefusalsPrintIpvsadmsTextForTheErrno(String line, int status, String message) {
        Run run = Run.line(Tables.rich(), line);

        assertThat(run.err()).isEqualTo(message + "\n");
        assertThat(run.status()).isEqualTo(status);
    }

    /**
     * The kernel's ERANGE from ip_vs_add_dest/ip_vs_edit_dest, which ipvsadm prints as strerror: a lower
     * threshold above the upper, an upper of 0 (none) too. Against the daemon's own engine.
     */
    @Test
    void aLowerThresholdAboveTheUpperIsOutOfRangeAsTheKernelSays() throws Exception {
        io.jlvs.engine.IpvsEngine engine = io.jlvs.cli.daemon.EngineFactory.create();
        assertThat(Run.line(engine, "-A -t 192.168.0.10:80").status()).isZero();
        assertThat(Run.line(engine, "-a -t 192.168.0.10:80 -r 10.0.0.11 -m").status()).isZero();
        for (String line : List.of("-a -t 192.168.0.10:80 -r 10.0.0.77 -m -x 5 -y 10",
                "-a -t 192.168.0.10:80 -r 10.0.0.77 -m -y 10", "-e -t 192.168.0.10:80 -r 10.0.0.11 -m -x 5 -y 10")) {
            Run run = Run.line(engine, line);
            assertThat(run.err()).as(line).isEqualTo("Numerical result out of range\n");
            assertThat(run.status()).as(line).isEqualTo(255);
        }
        assertThat(Run.line(engine, "-a -t 192.168.0.10:80 -r 10.0.0.77 -m -x 10 -y 5").status()).isZero();
    }
}
