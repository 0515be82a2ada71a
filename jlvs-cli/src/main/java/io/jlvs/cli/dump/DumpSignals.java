package io.jlvs.cli.dump;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's dump signals for the daemon: SIGUSR1 writes keepalived.data and keepalived.json (keepalived's JSON
 * signal is a real-time one, which the JVM cannot catch), SIGUSR2 writes keepalived.stats. Through sun.misc.Signal,
 * as the SIGHUP handler of {@code jlvs run} is (see there why).
 */
public final class DumpSignals {
    private static final Logger LOG = LoggerFactory.getLogger(DumpSignals.class);

    private final DumpFileWriter writer;
    private final Supplier<DumpSnapshot> snapshots;

    public DumpSignals(DumpFileWriter writer, Supplier<DumpSnapshot> snapshots) {
        this.writer = writer;
        this.snapshots = snapshots;
    }

    /** Installs both handlers; a signal the JVM will not give is logged, and the daemon runs on. */
    public void install() {
        handle("USR1", DumpKind.DATA, DumpKind.JSON);
        handle("USR2", DumpKind.STATS);
    }

    /** Writes the dumps now (what a signal does); a failure is logged with the file's path. */
    public void dump(DumpKind... kinds) {
        DumpSnapshot s = snapshots.get();
        for (DumpKind k : kinds) {
            try {
                Path p = writer.write(k.fileName(), KeepalivedDumpFormat.render(k, s));
                LOG.info("dump written to {}", p);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot write the {} dump in {}: {}", k.fileName(), writer.directory(), e.getMessage());
            }
        }
    }

    private void handle(String name, DumpKind... kinds) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> dump(kinds));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("cannot handle SIG{} ({}); no dumps on that signal", name, e.toString());
        }
    }
}
