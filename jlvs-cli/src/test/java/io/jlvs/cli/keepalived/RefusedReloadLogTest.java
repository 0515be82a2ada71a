package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jlvs.cli.daemon.Director;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.keepalived.KeepalivedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A refused reload logs why at the level of the refusal (ERROR), so that `journalctl -p err` shows the
 * cause beside "refused"; a problem that refuses nothing (keepalived's correction of a fwmark block's
 * protocol) stays a warning.
 */
class RefusedReloadLogTest {
    @TempDir
    Path dir;

    private static final String FWMARK = """
            virtual_server fwmark 5 {
                lb_algo rr
                lb_kind DR
                protocol TCP
                real_server 10.0.0.21 80 {
                }
            }
            """;

    @Test
    void theProblemsThatRefuseAReloadAreErrorsTheCorrectionsStayWarnings() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(KeepalivedRuntime.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        Path file = dir.resolve("keepalived.conf");
        try (Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, FWMARK);
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            seen.list.clear();

            Files.writeString(file, FWMARK + """
                    virtual_server 10.0.0.10 80 {
                        lb_algo rrr
                        protocol TCP
                    }
                    """);
            assertThat(director.reloadKeepalived().get().applied()).isFalse();

            List<String> errors = seen.list.stream().filter(e -> e.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(errors).anyMatch(l -> l.contains("Invalid lvs_scheduler 'rrr'"))
                    .anyMatch(l -> l.startsWith("Reload of " + file + " refused"));
            assertThat(warnings).anyMatch(l -> l.contains("protocol specified for fwmark - protocol will be ignored"))
                    .noneMatch(l -> l.contains("rrr"));
            // and /metrics can tell: jlvs_reload_failures_total, jlvs_config_last_reload_successful
            assertThat(director.keepalived().refusedReloads()).isEqualTo(1);
            assertThat(director.keepalived().lastReloadSuccessful()).isFalse();
            Files.writeString(file, FWMARK);
            assertThat(director.reloadKeepalived().get().applied()).isTrue();
            assertThat(director.keepalived().lastReloadSuccessful()).isTrue();
            assertThat(director.keepalived().refusedReloads()).isEqualTo(1);
        } finally {
            logger.detachAppender(seen);
        }
    }
}
