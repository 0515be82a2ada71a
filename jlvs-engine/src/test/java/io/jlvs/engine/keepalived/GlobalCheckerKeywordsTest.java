package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The global_defs keywords that change what the checkers do: checker_log_all_failures, rs_init_notifies. */
@Timeout(30)
class GlobalCheckerKeywordsTest {
    @TempDir
    Path dir;

    private static String service(String timing, String servers) {
        return """
                virtual_server 127.0.0.1 18091 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                """ + timing + servers + "}\n";
    }

    /**
     * keepalived's check_tcp.c logs a failed connection of an up checker when {@code checker_log_all_failures ||
     * log_all_failures}: the global keyword makes a checker without its own log_all_failures log each failed
     * attempt (here the first one and its retry) before it goes down.
     */
    @Test
    void checkerLogAllFailuresLogsEachFailedConnectionOfEveryChecker() throws Exception {
        String timing = "    delay_loop 0.2\n    connect_timeout 0.5\n    retry 1\n    delay_before_retry 0.1\n"
                + "    warmup 0\n";
        for (boolean global : new boolean[] {true, false}) {
            try (LoopbackServer server = LoopbackServer.start()) {
                String rs = "[127.0.0.1]:tcp:" + server.port;
                String servers = "    real_server 127.0.0.1 " + server.port + " {\n        TCP_CHECK {\n        }\n    }\n";
                String text = (global ? "global_defs {\n    checker_log_all_failures\n}\n" : "") + service(timing, servers);
                try (Conf c = new Conf(dir, text)) {
                    assertThat(c.runtime.start().applied()).isTrue();
                    await().atMost(Duration.ofSeconds(3)).until(() -> c.checkerLines.contains(
                            "TCP connection to " + rs + " success."));
                    server.stop();
                    await().atMost(Duration.ofSeconds(3)).until(() -> c.checkerLines.contains(
                            "TCP_CHECK on service " + rs + " failed after 1 retries."));
                    assertThat(c.checkerLines).filteredOn(l -> l.startsWith("TCP connection to " + rs + " failed"))
                            .as("checker_log_all_failures " + global)
                            .containsExactly(global ? new String[] {"TCP connection to " + rs + " failed.",
                                "TCP connection to " + rs + " failed."} : new String[0]);
                }
            }
        }
    }

    /**
     * keepalived's init_service_rs: with rs_init_notifies, each real server that goes into the pool when it is first
     * configured (at start; a new one in a reload) runs its notify_up. One that starts failed (alpha), or that was
     * there before the reload, does not.
     */
    @Test
    void rsInitNotifiesRunsNotifyUpOfTheServersThatStartInThePool() throws Exception {
        Path record = dir.resolve("notify.log");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1 $2\" >> " + record + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String timing = "    delay_loop 60\n    warmup 60\n";
        String a = server(1, "", script);
        String b = server(2, "        alpha\n", script);
        String newOne = server(3, "", script);
        String global = "global_defs {\n    enable_script_security\n    rs_init_notifies\n}\n";
        try (Conf c = new Conf(dir, global + service(timing, a + b))) {
            assertThat(c.runtime.start().applied()).isTrue();
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(record)
                    && Files.readAllLines(record).equals(List.of("up 1")));

            c.write(global + service(timing, a + b + newOne));
            assertThat(c.runtime.reload().applied()).isTrue();
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.readAllLines(record).equals(List.of("up 1", "up 3")));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                    .until(() -> Files.readAllLines(record).size() == 2);
        }
        Files.delete(record);
        try (Conf c = new Conf(dir, "global_defs {\n    enable_script_security\n}\n" + service(timing, a + b))) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.table()).hasSize(1);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !Files.exists(record));
        }
    }

    private static String server(int port, String extra, Path script) {
        return "    real_server 127.0.0.1 " + port + " {\n" + extra
                + "        notify_up \"" + script + " up " + port + "\"\n"
                + "        TCP_CHECK {\n        }\n    }\n";
    }
}
