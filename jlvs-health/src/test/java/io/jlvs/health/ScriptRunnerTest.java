package io.jlvs.health;

import io.jlvs.core.ScriptCommandLine;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {

    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void splitsLikeKeepalivedQuotes() {
        assertThat(ScriptCommandLine.split("abcd\" efg h jkl \"mnop")).containsExactly("abcd efg h jkl mnop");
        assertThat(ScriptCommandLine.split("abcd \"efg h jkl\" mnop")).containsExactly("abcd", "efg h jkl", "mnop");
        assertThat(ScriptCommandLine.split("/bin/x 'a b' c\\ d \\x41\\101")).containsExactly("/bin/x", "a b", "c d",
                "AA");
        assertThat(ScriptCommandLine.split("/n.sh 10.0.0.1;touch /tmp/x")).containsExactly("/n.sh", "10.0.0.1;touch",
                "/tmp/x");
    }

    @Test
    void shellMetacharactersInARealServerNameNeverReachAShell() throws IOException {
        Path args = dir.resolve("args");
        Path marker = dir.resolve("x");
        Path record = script("record.sh", "for a in \"$@\"; do echo \"$a\" >> " + args + "; done");
        String rsName = "10.0.0.1;touch " + marker;
        ScriptRunner runner = new ScriptRunner(true, null);

        ScriptResult r = runner.run(record + " " + rsName, Duration.ofSeconds(10), null);
        assertThat(r.succeeded()).isTrue();
        ScriptResult r2 = runner.run(record + " $(touch " + marker + ") `touch " + marker + "` |touch " + marker,
                Duration.ofSeconds(10), null);
        assertThat(r2.succeeded()).isTrue();
        MiscChecker misc = new MiscChecker(new MiscCheck(record + " \"" + rsName + "\"", null, false, null),
                CheckTiming.defaults(CheckerKind.MISC_CHECK), runner);
        assertThat(misc.check().up()).isTrue();

        assertThat(marker).doesNotExist();
        assertThat(Files.readAllLines(args)).containsExactly("10.0.0.1;touch", marker.toString(),
                "$(touch", marker + ")", "`touch", marker + "`", "|touch", marker.toString(), rsName);
    }

    @Test
    void scriptSecurityRefusesScriptsWritableByOthers() throws IOException {
        Path ok = script("ok.sh", "exit 0");
        Path open = script("open.sh", "exit 0");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path openDir = dir.resolve("shared");
        Files.createDirectory(openDir);
        Files.setPosixFilePermissions(openDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path inOpenDir = openDir.resolve("s.sh");
        Files.writeString(inOpenDir, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(inOpenDir, PosixFilePermissions.fromString("rwxr-xr-x"));

        ScriptRunner secure = new ScriptRunner(true, null);
        boolean root = ScriptSecurity.currentUid() == 0;
        assertThat(secure.run(ok.toString(), Duration.ofSeconds(10), null).succeeded()).isEqualTo(root);
        if (!root) {
            return; // as non-root every script is ours, which keepalived also calls unsafe for root scripts only
        }
        ScriptResult refused = secure.run(open.toString(), Duration.ofSeconds(10), null);
        assertThat(refused.ran()).isFalse();
        assertThat(refused.refusal()).startsWith("Unsafe permissions found for script '" + open + "'");
        assertThat(secure.run(inOpenDir.toString(), Duration.ofSeconds(10), null).refusal())
                .startsWith("Unsafe permissions found for script '" + openDir + "'");
        assertThat(new ScriptRunner(false, null).run(open.toString(), Duration.ofSeconds(10), null).succeeded())
                .isTrue();
    }

    @Test
    void scriptUserRunsTheScriptAsThatUser() throws IOException {
        if (ScriptSecurity.currentUid() != 0) {
            return;
        }
        Path out = dir.resolve("who");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path who = script("who.sh", "id -un > " + out);
        ScriptResult r = new ScriptRunner(false, "nobody").run(who.toString(), Duration.ofSeconds(10), null);
        assertThat(r.succeeded()).as(String.valueOf(r)).isTrue();
        assertThat(Files.readString(out).trim()).isEqualTo("nobody");
    }

    @Test
    void timeoutKillsTheWholeTreeAndReapsIt() throws IOException {
        Path pids = dir.resolve("pids");
        Path tree = script("tree.sh", "sleep 300 & echo $! >> " + pids + "; sleep 300 & echo $! >> " + pids
                + "; echo $$ >> " + pids + "; wait");
        long start = System.nanoTime();
        ScriptResult r = new ScriptRunner(false, null).run(tree.toString(), Duration.ofMillis(700), null);
        assertThat(r.timedOut()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(started).hasSize(3);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(started)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("pid %d alive", pid).isFalse()));
        assertThat(ProcessHandle.current().children().toList()).isEmpty();
    }

    @Test
    void miscDynamicExitCodesSetTheWeight() throws IOException {
        Path code = dir.resolve("code");
        Path misc = script("misc.sh", "exit $(cat " + code + ")");
        ScriptRunner runner = new ScriptRunner(false, null);
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, events::add, c -> { },
                new CheckLog(lines::add));
        MiscChecker checker = new MiscChecker(new MiscCheck(misc.toString(), Duration.ofSeconds(10), true, null),
                CheckTiming.defaults(CheckerKind.MISC_CHECK), runner);
        RealServerHealth rs = vs.addRealServer(Fixtures.LOOPBACK, 80, 1, false, null, null,
                List.of(new CheckerSpec(checker, CheckTiming.defaults(CheckerKind.MISC_CHECK))));
        vs.start();
        int[][] expect = {{0, 1}, {12, 10}, {255, 253}, {2, 0}, {0, 1}};
        for (int[] e : expect) {
            Files.writeString(code, Integer.toString(e[0]));
            rs.onOutcome(0, checker.check());
            assertThat(rs.isAlive()).isTrue();
            assertThat(rs.weight()).as("exit %d", e[0]).isEqualTo(e[1]);
        }
        Files.writeString(code, "1");
        rs.onOutcome(0, checker.check());
        assertThat(rs.isAlive()).isFalse();
        assertThat(lines).contains("Misc check for [[127.0.0.1]:tcp:80 VS [192.168.0.10]:tcp:80] by [" + misc
                + "] failed with retry disabled (exited with status 1).");
        MiscChecker slow = new MiscChecker(new MiscCheck("/bin/sleep 30", Duration.ofMillis(300), true, null),
                CheckTiming.defaults(CheckerKind.MISC_CHECK), runner);
        CheckOutcome timedOut = slow.check();
        assertThat(timedOut.up()).isFalse();
        assertThat(timedOut.weight()).isEmpty();
        assertThat(timedOut.reason()).isEqualTo("timed out");
    }
}
