package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lab: real keepalived 2.2.7 ({@code keepalived -t}) judges every corpus file inside a network namespace
 * whose interfaces are {@code eth0} (a veth, up) and its peer {@code eth1} (down); jlvs must reach the same
 * verdict on each, except the divergences listed in docs/keepalived-conf.md, where it must reach the other one.
 */
class KeepalivedLabTest {

    @Test
    void jlvsAgreesWithKeepalivedOnEveryCorpusFile() throws Exception {
        String keepalived = Lab.requireCommand("keepalived", "keepalived");
        Lab.requireNetns();
        Set<String> divergences = Corpus.divergences();
        List<String> disagreements = new ArrayList<>();
        int checked = 0;
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("kacfg");
            lab.exec(ns, "ip", "link", "add", Corpus.IFACE, "type", "veth", "peer", "name", Corpus.PEER).orThrow("veth");
            lab.exec(ns, "ip", "link", "set", Corpus.IFACE, "up").orThrow("eth0 up");
            for (String f : Corpus.files()) {
                Path file = Corpus.ROOT.resolve(f).toAbsolutePath();
                // keepalived resolves includes from its working directory: run it from the file's directory
                Shell.Result r = Shell.run(List.of("sh", "-c", "cd \"$1\" && exec ip netns exec \"$2\" \"$3\" -t -i \"$4\" -f \"$5\"",
                        "sh", file.getParent().toString(), ns, keepalived, Corpus.CONFIG_ID, file.getFileName().toString()), 20);
                boolean kaAccepts = r.exitCode() == 0;
                boolean jlvsAccepts = Corpus.parse(f).accepted();
                boolean expectSame = !divergences.contains(f);
                if ((kaAccepts == jlvsAccepts) != expectSame) {
                    disagreements.add(f + ": keepalived exit " + r.exitCode() + " (" + r.output().strip().lines()
                            .findFirst().orElse("") + "), jlvs " + (jlvsAccepts ? "accepts" : "rejects")
                            + (expectSame ? "" : " (listed divergence no longer diverges)"));
                }
                checked++;
            }
        }
        System.out.println("[lab] keepalived -t compared on " + checked + " corpus files, divergences expected: " + divergences);
        assertThat(disagreements).isEmpty();
        assertThat(checked).isEqualTo(Corpus.files().size());
    }
}
