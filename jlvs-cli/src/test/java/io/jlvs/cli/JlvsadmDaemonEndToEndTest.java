package io.jlvs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.adm.Jlvsadm;
import io.jlvs.cli.adm.NameResolver;
import io.jlvs.cli.adm.NoNames;
import io.jlvs.cli.daemon.DaemonOptions;
import io.jlvs.cli.daemon.DaemonProcess;
import io.jlvs.cli.daemon.EngineFactory;
import io.jlvs.engine.control.ControlClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jlvsadm against a real daemon over its control socket, as a user drives it. */
class JlvsadmDaemonEndToEndTest {
    @TempDir
    Path dir;
    private DaemonProcess daemon;
    private ControlClient client;

    record Run(int exit, String out, String err) { }

    private static final NameResolver NO_NAMES = NoNames.INSTANCE;

    @BeforeEach
    void start() throws Exception {
        daemon = DaemonProcess.start(new DaemonOptions(dir.resolve("jlvs.sock"), dir.resolve("jlvs.pid"),
                EngineFactory.create()));
        client = ControlClient.connect(daemon.socket());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private Run admWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Jlvsadm.run(args, client, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), NO_NAMES);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run adm(String... args) {
        return admWithInput("", args);
    }

    @Test
    void buildsListsAndRefusesAsIpvsadmDoes() {
        assertThat(adm("-A", "-t", "192.168.0.10:80", "-s", "wlc").exit()).isZero();
        assertThat(adm("-a", "-t", "192.168.0.10:80", "-r", "10.0.0.11:80", "-g", "-w", "1").exit()).isZero();
        assertThat(adm("-a", "-t", "192.168.0.10:80", "-r", "10.0.0.12", "-g", "-w", "0").exit()).isZero();
        assertThat(adm("-A", "-t", "192.168.0.10:443", "-s", "rr", "-p", "-M", "255.255.255.0").exit()).isZero();
        assertThat(adm("-a", "-t", "192.168.0.10:443", "-r", "10.0.0.11:8443", "-m", "-w", "2").exit()).isZero();
        assertThat(adm("-A", "-u", "192.168.0.10:53", "-s", "rr", "-o").exit()).isZero();
        assertThat(adm("-a", "-u", "192.168.0.10:53", "-r", "10.0.0.21", "-i").exit()).isZero();
        assertThat(adm("-A", "-f", "7", "-s", "sh", "-b", "sh-fallback,sh-port").exit()).isZero();
        assertThat(adm("-a", "-f", "7", "-r", "10.0.0.31", "-g").exit()).isZero();

        Run list = adm("-Ln");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).isEqualTo("""
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  192.168.0.10:80 wlc
                  -> 10.0.0.11:80                 Route   1      0          0        \s
                  -> 10.0.0.12:80                 Route   0      0          0        \s
                TCP  192.168.0.10:443 rr persistent 360 mask 255.255.255.0
                  -> 10.0.0.11:8443               Masq    2      0          0        \s
                UDP  192.168.0.10:53 rr ops
                  -> 10.0.0.21:53                 Tunnel  1      0          0        \s
                FWM  7 sh (sh-fallback,sh-port)
                  -> 10.0.0.31:0                  Route   1      0          0        \s
                """);

        Run dup = adm("-A", "-t", "192.168.0.10:80", "-s", "rr");
        assertThat(dup.exit()).isEqualTo(255);
        assertThat(dup.err()).isEqualTo("Service already exists\n");
        Run noService = adm("-a", "-t", "192.168.0.99:80", "-r", "10.0.0.1");
        assertThat(noService.err()).isEqualTo("Service not defined\n");
        Run usage = adm("-a", "-t", "192.168.0.10:80");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("You need to supply the 'real-server' option for the 'add-server' command");
        assertThat(adm("-Ln").out()).isEqualTo(list.out());
    }

    @Test
    void saveClearRestoreGivesBackTheSameTable() {
        adm("-A", "-t", "[2001:db8::80]:80", "-s", "mh", "-b", "mh-port");
        adm("-a", "-t", "[2001:db8::80]:80", "-r", "[2001:db8::a0]:8080", "--fullnat", "-w", "7", "-x", "100", "-y", "50");
        adm("-A", "-t", "10.1.1.1:0", "-s", "lblcr", "-p", "600");
        adm("-a", "-t", "10.1.1.1:0", "-r", "10.2.2.2", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum");
        adm("-A", "--sctp-service", "10.1.1.1:9", "-s", "twos");
        adm("-a", "--sctp-service", "10.1.1.1:9", "-r", "10.2.2.3:9", "-m", "-w", "4");
        Run sctpFullNat = adm("-a", "--sctp-service", "10.1.1.1:9", "-r", "10.2.2.4:9", "--fullnat");
        assertThat(sctpFullNat.exit()).isEqualTo(255);
        assertThat(sctpFullNat.err()).isEqualTo(
                "FULLNAT serves TCP and UDP services with a port, not fwmark, SCTP or port-0 services\n");
        String saved = adm("-S", "-n").out();
        assertThat(saved.lines()).hasSize(6);

        assertThat(adm("-C").exit()).isZero();
        assertThat(adm("-Ln").out().lines()).hasSize(3);
        Run restore = admWithInput(saved, "-R");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(adm("-S", "-n").out()).isEqualTo(saved);
    }
}
