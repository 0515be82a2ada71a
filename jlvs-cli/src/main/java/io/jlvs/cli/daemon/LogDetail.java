package io.jlvs.cli.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.jlvs.vrrp.runtime.VrrpRouter;
import org.slf4j.LoggerFactory;

/** {@code jlvs run -D}: keepalived's detail lines at INFO (logback.xml keeps their logger at WARN otherwise). */
final class LogDetail {
    private LogDetail() {
    }

    static void enable() {
        if (LoggerFactory.getLogger(VrrpRouter.DETAIL_LOGGER) instanceof Logger detail) {
            detail.setLevel(Level.INFO);
        }
    }
}
