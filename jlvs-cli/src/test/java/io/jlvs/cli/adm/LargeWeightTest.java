package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.daemon.EngineFactory;
import io.jlvs.engine.IpvsEngine;
import org.junit.jupiter.api.Test;

/**
 * Weights to INT_MAX, as the kernel takes them and Debian's ipvsadm 1.31 reads them, through the daemon's
 * table: added, edited, listed in ipvsadm's columns (%-6d, %-9u with --persistent-conn: a wider number pushes
 * the next columns right, as printf does), saved and restored.
 */
class LargeWeightTest {

    private static final String HEADER = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            TCP  192.168.0.10:80 wlc
            """;

    private final IpvsEngine engine = EngineFactory.create();

    private Run run(String line) {
        Run r = Run.line(engine, line);
        assertThat(r.err()).as(line).isEmpty();
        assertThat(r.status()).as(line).isZero();
        return r;
    }

    @Test
    void aWeightOfThreeMillionRoundTripsThroughAddEditListAndSave() {
        run("-A -t 192.168.0.10:80");
        run("-a -t 192.168.0.10:80 -r 10.0.0.77 -w 3000000");
        run("-a -t 192.168.0.10:80 -r 10.0.0.78 -w 5");

        assertThat(run("-Ln").out()).isEqualTo(HEADER
                + "  -> 10.0.0.77:80                 Route   3000000 0          0         \n"
                + "  -> 10.0.0.78:80                 Route   5      0          0         \n");

        run("-e -t 192.168.0.10:80 -r 10.0.0.78 -w 2147483647");

        assertThat(run("-Ln").out()).isEqualTo(HEADER
                + "  -> 10.0.0.77:80                 Route   3000000 0          0         \n"
                + "  -> 10.0.0.78:80                 Route   2147483647 0          0         \n");
        assertThat(run("-Ln --persistent-conn").out()).endsWith(
                "  -> 10.0.0.77:80                 3000000   0           0          0         \n"
                + "  -> 10.0.0.78:80                 2147483647 0           0          0         \n");
        assertThat(run("-Ln --tun-info").out()).endsWith(
                "  -> 10.0.0.78:80                 Route   n/a           2147483647 0          0         \n");
        String saved = run("-Sn").out();
        assertThat(saved).isEqualTo("""
                -A -t 192.168.0.10:80 -s wlc
                -a -t 192.168.0.10:80 -r 10.0.0.77:80 -g -w 3000000
                -a -t 192.168.0.10:80 -r 10.0.0.78:80 -g -w 2147483647
                """);
        assertThat(run("-L --json").out()).contains("\"weight\":3000000", "\"weight\":2147483647");

        run("-C");
        Run restored = Run.of(engine, FakeNames.standard(), saved, "-R");
        assertThat(restored.err()).isEmpty();
        assertThat(run("-Sn").out()).isEqualTo(saved);
    }

    @Test
    void aWeightAboveIntMaxIsRefusedInIpvsadmsWordsAndChangesNothing() {
        run("-A -t 192.168.0.10:80");
        run("-a -t 192.168.0.10:80 -r 10.0.0.77 -w 3000000");

        for (String line : new String[] {"-a -t 192.168.0.10:80 -r 10.0.0.78 -w 2147483648",
                "-e -t 192.168.0.10:80 -r 10.0.0.77 -w 4294967297", "-e -t 192.168.0.10:80 -r 10.0.0.77 -w -1"}) {
            Run r = Run.line(engine, line);
            assertThat(r.err()).as(line).isEqualTo("illegal weight specified\n");
            assertThat(r.status()).as(line).isEqualTo(2);
        }

        assertThat(run("-Sn").out()).isEqualTo("""
                -A -t 192.168.0.10:80 -s wlc
                -a -t 192.168.0.10:80 -r 10.0.0.77:80 -g -w 3000000
                """);
    }
}
