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

/** Health checkers built from keepalived.conf move real servers (on 127.0.0.1) in and out of the table. */
@Timeout(60)
class KeepalivedHealthTest {
    /** delay_loop 0.2 + (retry 1 + 1) x connect_timeout 0.5 + retry 1 x delay_before_retry 0.1 = 1.3 s. */
    private static final Duration REMOVAL_BOUND = Duration.ofMillis(1300);
    private static final Duration SLACK = Duration.ofSeconds(1);
    private static final String VS = "[127.0.0.1]:tcp:18080 rr";
    private static final String TIMING = """
                    delay_loop 0.2
                    connect_timeout 0.5
                    retry 1
                    delay_before_retry 0.1
                    warmup 0
            """;

    @TempDir
    Path dir;

    private static String service(String body) {
        return """
                virtual_server 127.0.0.1 18080 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                """ + TIMING + body + "}\n";
    }

    private static String tcpServer(int port, String extra) {
        return "    real_server 127.0.0.1 " + port + " {\n        weight 2\n" + extra
                + "        TCP_CHECK {\n        }\n    }\n";
    }

    @Test
    void aTcpCheckedServerThatStopsListeningLeavesTheTableInTimeAndComesBack() throws Exception {
        try (LoopbackServer a = LoopbackServer.start(); LoopbackServer b = LoopbackServer.start();
             Conf c = new Conf(dir, service(tcpServer(a.port, "") + tcpServer(b.port, "")))) {
            c.runtime.start();
            String both = Conf.row(VS, "[127.0.0.1]:" + a.port + " Masq w=2", "[127.0.0.1]:" + b.port + " Masq w=2");
            assertThat(c.table()).containsExactly(both);

            long stopped = System.nanoTime();
            b.stop();
            await().atMost(REMOVAL_BOUND.plus(SLACK)).pollInterval(Duration.ofMillis(20)).until(() ->
                    c.table().equals(List.of("[127.0.0.1]:tcp:18080 rr | [127.0.0.1]:" + a.port + " Masq w=2")));
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(REMOVAL_BOUND.plus(SLACK));
            assertThat(c.checkerLines).contains("Removing service [127.0.0.1]:tcp:" + b.port
                    + " from VS [127.0.0.1]:tcp:18080");

            b.listenAgain();
            await().atMost(Duration.ofSeconds(3)).until(() -> c.table().equals(List.of(both)));
            assertThat(c.checkerLines).contains("Adding service [127.0.0.1]:tcp:" + b.port
                    + " to VS [127.0.0.1]:tcp:18080");
        }
    }

    @Test
    void anHttpGetWithTheWrongStatusIsNotInThePool() throws Exception {
        try (LoopbackServer good = LoopbackServer.start(); LoopbackServer bad = LoopbackServer.start()) {
            bad.status = 503;
            String http = """
                        HTTP_GET {
                            url {
                                path /health
                                status_code 200
                            }
                        }
                    """;
            String conf = service("    real_server 127.0.0.1 " + good.port + " {\n" + http + "    }\n"
                    + "    real_server 127.0.0.1 " + bad.port + " {\n" + http + "    }\n");
            try (Conf c = new Conf(dir, conf)) {
                c.runtime.start();
                await().atMost(REMOVAL_BOUND.plus(SLACK)).until(() -> c.table().equals(List.of(
                        "[127.0.0.1]:tcp:18080 rr | [127.0.0.1]:" + good.port + " Masq w=1")));
                bad.status = 200;
                await().atMost(Duration.ofSeconds(3)).until(() -> c.table().getFirst().contains(":" + bad.port));
            }
        }
    }

    @Test
    void inhibitOnFailureKeepsAFailedServerWithWeightZero() throws Exception {
        try (LoopbackServer a = LoopbackServer.start(); LoopbackServer b = LoopbackServer.start();
             Conf c = new Conf(dir, service(tcpServer(a.port, "") + tcpServer(b.port, "        inhibit_on_failure\n")))) {
            c.runtime.start();
            b.stop();
            await().atMost(REMOVAL_BOUND.plus(SLACK)).until(() -> c.table().equals(List.of(Conf.row(VS,
                    "[127.0.0.1]:" + a.port + " Masq w=2", "[127.0.0.1]:" + b.port + " Masq w=0"))));
            b.listenAgain();
            await().atMost(Duration.ofSeconds(3)).until(() -> c.table().equals(List.of(Conf.row(VS,
                    "[127.0.0.1]:" + a.port + " Masq w=2", "[127.0.0.1]:" + b.port + " Masq w=2"))));
        }
    }

    @Test
    void quorumScriptsRunOncePerCrossingAndTheSorryServerStandsIn() throws Exception {
        Path record = dir.resolve("quorum.log");
        Path script = dir.resolve("quorum.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$1\" >> " + record + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LoopbackServer a = LoopbackServer.start()) {
            String conf = "global_defs {\n    enable_script_security\n}\n" + service(
                    "    quorum 2\n    quorum_up \"" + script + " up\"\n    quorum_down \"" + script + " down\"\n"
                            + "    sorry_server 10.0.0.99 80\n" + tcpServer(a.port, ""));
            try (Conf c = new Conf(dir, conf)) {
                assertThat(c.runtime.start().applied()).isTrue();
                String normal = "[127.0.0.1]:tcp:18080 rr | [127.0.0.1]:" + a.port + " Masq w=2";
                assertThat(c.table()).containsExactly(normal);

                a.stop();
                await().atMost(REMOVAL_BOUND.plus(SLACK)).until(() -> c.table().equals(List.of(
                        "[127.0.0.1]:tcp:18080 rr | [10.0.0.99]:80 Masq w=1")));
                await().atMost(Duration.ofSeconds(2)).until(() -> Files.exists(record)
                        && Files.readAllLines(record).equals(List.of("down")));
                // several more failed checks (delay_loop 0.2 s): still one quorum_down
                await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
                        .until(() -> Files.readAllLines(record).equals(List.of("down")));

                a.listenAgain();
                await().atMost(Duration.ofSeconds(3)).until(() -> c.table().equals(List.of(normal)));
                await().atMost(Duration.ofSeconds(2)).until(() -> Files.readAllLines(record).equals(List.of("down", "up")));
                assertThat(c.checkerLines).contains("Adding sorry server [10.0.0.99]:tcp:80 to VS [127.0.0.1]:tcp:18080",
                        "Removing sorry server [10.0.0.99]:tcp:80 from VS [127.0.0.1]:tcp:18080");
            }
        }
    }

    /**
     * A virtual_server_group's block: a failing real server leaves every member service, and the check log
     * says so once, naming the group as keepalived 2.2.7 does ({@code [G1]:0}), as do the quorum and sorry
     * server lines; before, they named the group's first address.
     */
    @Test
    void aGroupsChangesAreLoggedOnceUnderTheGroupsName() throws Exception {
        try (LoopbackServer a = LoopbackServer.start()) {
            String conf = """
                    virtual_server_group G1 {
                        127.0.0.1 18080
                        127.0.0.2 18080
                    }
                    virtual_server group G1 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                    """ + TIMING + "    sorry_server 10.0.0.99 80\n" + tcpServer(a.port, "") + "}\n";
            try (Conf c = new Conf(dir, conf)) {
                assertThat(c.runtime.start().applied()).isTrue();
                a.stop();
                await().atMost(REMOVAL_BOUND.plus(SLACK)).until(() -> c.table().equals(List.of(
                        "[127.0.0.1]:tcp:18080 rr | [10.0.0.99]:80 Masq w=1",
                        "[127.0.0.2]:tcp:18080 rr | [10.0.0.99]:80 Masq w=1")));
                String rs = "[127.0.0.1]:tcp:" + a.port;
                await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(c.checkerLines)
                        .filteredOn(l -> l.contains(" VS ")).containsExactly(
                                "Adding service " + rs + " to VS [G1]:0",
                                "Removing service " + rs + " from VS [G1]:0",
                                "Lost quorum 1-0=1 > 0 for VS [G1]:0",
                                "Adding sorry server [10.0.0.99]:tcp:80 to VS [G1]:0",
                                "Removing alive servers from the pool for VS [G1]:0"));
            }
        }
    }

    /**
     * A MISC_CHECK whose script is not there: keepalived drops that checker when it loads the file ("Disabling misc
     * script ... since not found/accessible"), so the real server is judged by its other checkers, here none, and
     * stays. jlvs ran it, it failed ("cannot be accessed - not found"), the server left and the quorum was lost.
     */
    @Test
    void aMiscCheckWhoseScriptIsNotThereIsDroppedAndTheServerStays() throws Exception {
        String conf = service("""
                    real_server 10.0.0.11 80 {
                        weight 1
                        MISC_CHECK {
                            misc_path "/nonexistent-jlvs/check.sh 10.0.0.11"
                        }
                    }
                """);
        try (Conf c = new Conf(dir, conf)) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.configLines).contains("Disabling misc script '/nonexistent-jlvs/check.sh' '10.0.0.11'"
                    + " since not found/accessible");
            String up = Conf.row(VS, "[10.0.0.11]:80 Masq w=1");
            assertThat(c.table()).containsExactly(up);
            // several delay_loops: a failing checker would have removed it by now (retry 1, 0.2 s apart)
            await().during(REMOVAL_BOUND.plusMillis(200)).atMost(REMOVAL_BOUND.plus(SLACK).plusMillis(200))
                    .until(() -> c.table().equals(List.of(up)));
            assertThat(c.checkerLines).noneMatch(l -> l.contains("Removing") || l.contains("quorum"));
        }
    }

    @Test
    void miscDynamicWeightIsAppliedByEditAndAFailingScriptRemovesTheServer() throws Exception {
        Path exit = dir.resolve("exit-code");
        Files.writeString(exit, "7\n");
        Path script = dir.resolve("check.sh");
        Files.writeString(script, "#!/bin/sh\nexit $(cat " + exit + ")\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String conf = "global_defs {\n    enable_script_security\n}\n" + service("""
                    real_server 10.0.0.11 80 {
                        weight 1
                        MISC_CHECK {
                            misc_path "%s"
                            misc_dynamic
                        }
                    }
                """.formatted(script));
        try (Conf c = new Conf(dir, conf)) {
            assertThat(c.runtime.start().applied()).isTrue();
            // exit 7 with misc_dynamic: weight 7 - 2
            await().atMost(Duration.ofSeconds(3)).until(() -> c.table().equals(List.of(
                    Conf.row(VS, "[10.0.0.11]:80 Masq w=5"))));
            Files.writeString(exit, "1\n");
            await().atMost(Duration.ofSeconds(3)).until(() -> c.table().equals(List.of(VS)));
        }
    }
}
