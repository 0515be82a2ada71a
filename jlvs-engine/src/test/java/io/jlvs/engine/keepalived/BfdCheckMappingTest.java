package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.health.bfd.BfdSession;
import io.jlvs.health.bfd.BfdState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** BFD_CHECK from keepalived.conf with a neighbor that never answers (127.0.0.2): alpha, reloads. */
@Timeout(60)
class BfdCheckMappingTest {
    private static final String VS = "[192.0.2.81]:tcp:80 rr";

    @TempDir
    Path dir;

    private static String conf(String minRx, String alphaA) {
        return """
                bfd_instance quiet {
                    neighbor_ip 127.0.0.2
                    min_rx %s
                }
                virtual_server 192.0.2.81 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.9.0.1 80 {
                        weight 1
                        BFD_CHECK {
                            name quiet
                            %s
                        }
                    }
                    real_server 10.9.0.2 80 {
                        weight 1
                        BFD_CHECK {
                            name quiet
                        }
                    }
                }
                """.formatted(minRx, alphaA);
    }

    @Test
    void withoutAlphaAServerStaysInWhileTheSessionNeverCameUpWithAlphaItStaysOut() {
        try (Conf c = new Conf(dir, conf("10", "alpha"))) {
            c.runtime.start();
            assertThat(c.runtime.bfdSession("quiet")).isPresent();
            assertThat(c.runtime.bfdSession("quiet").orElseThrow().state()).isEqualTo(BfdState.DOWN);
            assertThat(c.table()).containsExactly(Conf.row(VS, "[10.9.0.2]:80 Masq w=1"));
        }
    }

    /** keepalived: a BFD_CHECK without alpha of its own takes the real server's, then the virtual server's. */
    @Test
    void aBfdCheckInheritsTheVirtualServersAlphaUnlessItSaysNo() {
        String text = conf("10", "alpha no").replace("protocol TCP\n", "protocol TCP\n    alpha\n");
        try (Conf c = new Conf(dir, text)) {
            c.runtime.start();
            assertThat(c.table()).containsExactly(Conf.row(VS, "[10.9.0.1]:80 Masq w=1"));
        }
    }

    @Test
    void anUnchangedInstanceKeepsItsSessionOverAReloadAndAChangedOneRestarts() {
        try (Conf c = new Conf(dir, conf("10", "alpha"))) {
            c.runtime.start();
            BfdSession first = c.runtime.bfdSession("quiet").orElseThrow();
            c.write(conf("10", ""));
            assertThat(c.runtime.reload().applied()).isTrue();
            assertThat(c.runtime.bfdSession("quiet").orElseThrow()).isSameAs(first);
            c.write(conf("20", ""));
            assertThat(c.runtime.reload().applied()).isTrue();
            BfdSession second = c.runtime.bfdSession("quiet").orElseThrow();
            assertThat(second).isNotSameAs(first);
            assertThat(second.config().minRxMicros()).isEqualTo(20_000);
            assertThat(first.state()).as("the replaced session was taken down").isEqualTo(BfdState.ADMIN_DOWN);
        }
    }

    @Test
    void removingEveryInstanceStopsTheSessions() {
        try (Conf c = new Conf(dir, conf("10", ""))) {
            c.runtime.start();
            BfdSession first = c.runtime.bfdSession("quiet").orElseThrow();
            c.write("""
                    virtual_server 192.0.2.81 80 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        real_server 10.9.0.1 80 {
                            weight 1
                        }
                    }
                    """);
            assertThat(c.runtime.reload().applied()).isTrue();
            assertThat(c.runtime.bfdSession("quiet")).isEmpty();
            assertThat(first.state()).isEqualTo(BfdState.ADMIN_DOWN);
            assertThat(c.table()).isEqualTo(List.of(Conf.row(VS, "[10.9.0.1]:80 Masq w=1")));
        }
    }
}
