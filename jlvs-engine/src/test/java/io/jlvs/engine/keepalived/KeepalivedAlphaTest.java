package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which real servers start in the pool under {@code alpha}: keepalived (check_data.c) takes a checker's alpha from
 * the checker when it sets it (yes or no), else from the real server, else from the virtual server; FILE_CHECK is
 * never alpha. No check runs here (warmup 60 s): the table is the start-up pool.
 */
@Timeout(30)
class KeepalivedAlphaTest {
    private static final String VS = "[127.0.0.1]:tcp:18090 rr";

    @TempDir
    Path dir;

    private static String rs(int port, String rsLines, String checker) {
        return "    real_server 127.0.0.1 " + port + " {\n        weight 1\n" + rsLines + checker + "    }\n";
    }

    private static String tcp(String lines) {
        return "        TCP_CHECK {\n" + lines + "        }\n";
    }

    @Test
    void alphaNoOnACheckerOrARealServerOverridesTheVirtualServersAlpha() throws Exception {
        Path state = dir.resolve("state");
        Files.writeString(state, "0\n");
        String conf = "track_file tf {\n    file " + state + "\n    weight 0\n}\n"
                + """
                virtual_server 127.0.0.1 18090 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    delay_loop 60
                    warmup 60
                    alpha
                """
                + rs(1, "", tcp("            alpha no\n"))               // checker says no: in
                + rs(2, "        alpha no\n", tcp(""))                  // real server says no: in
                + rs(3, "", tcp(""))                                    // inherits the virtual server's: out
                + rs(4, "        alpha no\n", tcp("            alpha\n")) // checker beats real server: out
                + rs(5, "        alpha\n", "        FILE_CHECK {\n            track_file tf\n        }\n") // in
                + "}\n";
        try (Conf c = new Conf(dir, conf)) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.table()).containsExactly(Conf.row(VS, "[127.0.0.1]:1 Masq w=1", "[127.0.0.1]:2 Masq w=1",
                    "[127.0.0.1]:5 Masq w=1"));
        }
    }

    @Test
    void withoutAlphaAboveACheckersAlphaStillKeepsItsServerOut() {
        String conf = """
                virtual_server 127.0.0.1 18090 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    delay_loop 60
                    warmup 60
                """
                + rs(1, "        alpha\n", tcp("            alpha no\n")) // in
                + rs(2, "        alpha\n", tcp(""))                       // out
                + rs(3, "", tcp("            alpha\n"))                   // out
                + rs(4, "        alpha off\n", tcp(""))                   // in
                + "}\n";
        try (Conf c = new Conf(dir, conf)) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.table()).containsExactly(Conf.row(VS, "[127.0.0.1]:1 Masq w=1", "[127.0.0.1]:4 Masq w=1"));
        }
    }
}
