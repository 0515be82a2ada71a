package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.MiscCheck;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.TcpCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts that cannot be found, as keepalived 2.2.7 treats them when it loads the file: a vrrp_script is disabled
 * (an error) and nothing tracks it, a MISC_CHECK's checker is dropped (logged only), and neither counts as a script
 * for "SECURITY VIOLATION - ... script_security not enabled" (nor does a missing notify script).
 */
class MissingScriptTest {
    private static final String MISSING = "/nonexistent-jlvs/check_apiserver.sh";

    @TempDir
    Path dir;

    private ParseResult parse(String text) {
        return new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), 1)
                .parse("keepalived.conf", text, dir);
    }

    private static String instance(String name, int vrid, String tracked) {
        return """
                vrrp_instance %s {
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    virtual_ipaddress {
                        192.0.2.%d/24
                    }
                    track_script {
                        %s
                    }
                }
                """.formatted(name, vrid, vrid, tracked);
    }

    @Test
    void aMissingTrackScriptIsDisabledAndNothingTracksIt() {
        ParseResult r = parse("""
                global_defs {
                    enable_script_security
                }
                vrrp_script check_apiserver {
                    script "%s"
                    interval 3
                    weight 0
                }
                vrrp_script chk_true {
                    script "/bin/true"
                }
                """.formatted(MISSING) + instance("VI_1", 51, "check_apiserver\n        chk_true weight 5")
                + instance("VI_2", 52, "check_apiserver") + """
                vrrp_sync_group G1 {
                    group {
                        VI_1
                        VI_2
                    }
                    track_script {
                        check_apiserver
                    }
                }
                """);
        // keepalived prints it without a place: it is said once its VRRP process has read everything
        assertThat(ConfigCheck.lines(r)).containsExactly("Disabling track script check_apiserver since not found/accessible");
        assertThat(ConfigCheck.exitCode(r.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        assertThat(r.config().vrrpScripts()).extracting(s -> s.name()).containsExactly("chk_true");
        assertThat(r.config().vrrpInstances()).extracting(i -> i.trackScripts())
                .containsExactly(java.util.List.of("chk_true weight 5"), java.util.List.of());
        assertThat(r.config().syncGroups().getFirst().trackScripts()).isEmpty();
    }

    @Test
    void aMissingScriptIsNoSecurityViolation() {
        // keepalived counts only scripts that exist: no enable_script_security needed for these
        ParseResult r = parse("""
                vrrp_script check_apiserver {
                    script "%s"
                }
                vrrp_script on_path {
                    script "jlvs-no-such-program-on-path --check"
                }
                """.formatted(MISSING) + instance("VI_1", 51, "check_apiserver\n        on_path").replace(
                        "priority 100", "priority 100\n    notify_master \"" + MISSING + " master\""));
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "Disabling track script check_apiserver since not found/accessible",
                "Disabling track script on_path since not found/accessible");
        assertThat(ConfigCheck.exitCode(r.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
    }

    @Test
    void aScriptThatExistsStillNeedsScriptSecurity() throws Exception {
        Path script = dir.resolve("chk.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // a bare name is looked up on PATH, as keepalived does
        ParseResult r = parse("""
                vrrp_script chk {
                    script "true"
                }
                """ + instance("VI_1", 51, "chk"));
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        assertThat(ConfigCheck.exitCode(r.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_SECURITY);
        ParseResult misc = parse(virtualServer("MISC_CHECK {\n            misc_path \"" + script + " 10.0.0.2\"\n        }\n"));
        assertThat(ConfigCheck.lines(misc)).containsExactly(
                "SECURITY VIOLATION - check scripts are being executed but script_security not enabled.");
    }

    private static String virtualServer(String checkers) {
        return """
                virtual_server 10.0.0.1 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.0.2 80 {
                        %s
                    }
                }
                """.formatted(checkers);
    }

    @Test
    void aMissingMiscCheckScriptDropsThatCheckerOnly() {
        ParseResult r = parse(virtualServer("""
                MISC_CHECK {
                            misc_path "%s 10.0.0.2"
                        }
                        TCP_CHECK {
                            connect_timeout 3
                        }
                """.formatted(MISSING)) + virtualServer("""
                MISC_CHECK {
                            misc_path "%s"
                        }
                        notify_up "%s up"
                """.formatted(MISSING, MISSING)).replace("10.0.0.1 80", "10.0.0.1 81").replace("10.0.0.2 80", "10.0.0.2 81"));
        // keepalived only logs these (-t prints nothing and exits 0): jlvs says them as notices
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "Disabling misc script '" + MISSING + "' '10.0.0.2' since not found/accessible",
                "Disabling misc script '" + MISSING + "' since not found/accessible");
        assertThat(ConfigCheck.exitCode(r.problems())).isZero();
        assertThat(r.accepted()).isTrue();
        RealServerDef first = r.config().virtualServers().getFirst().realServers().getFirst();
        assertThat(first.checkers()).hasSize(1).allMatch(c -> c instanceof TcpCheck);
        RealServerDef second = r.config().virtualServers().get(1).realServers().getFirst();
        assertThat(second.checkers()).noneMatch(c -> c instanceof MiscCheck).isEmpty();
    }

    @Test
    void aFileOpenTestIsNoScript() {
        // keepalived: a first word "</path" only checks that the file can be opened; nothing is executed
        assertThat(ScriptFiles.found("</etc/hostname")).isTrue();
        assertThat(ScriptFiles.isScript("</etc/hostname")).isFalse();
        assertThat(ScriptFiles.found("'/bin/true' x")).isTrue();
        assertThat(ScriptFiles.isScript("\"/bin/true\"")).isTrue();
        assertThat(ScriptFiles.found(MISSING + " arg")).isFalse();
        assertThat(ScriptFiles.quoted("/bin/chk \"a b\" c")).isEqualTo("'/bin/chk' 'a b' 'c'");
    }
}
