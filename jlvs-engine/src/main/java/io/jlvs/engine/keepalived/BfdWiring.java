package io.jlvs.engine.keepalived;

import io.jlvs.config.model.BfdInstanceDef;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.health.bfd.BfdSessionConfig;
import io.jlvs.health.bfd.BfdSessions;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bfd_instance sessions of the applied keepalived.conf: started with the first configuration that has one,
 * reconfigured on every load (an unchanged instance keeps its session and state), stopped (AdminDown sent) on
 * close. Changed by the apply thread only.
 */
final class BfdWiring implements AutoCloseable {
    private final Supplier<BfdSessions> factory;
    private volatile BfdSessions sessions;

    BfdWiring(Supplier<BfdSessions> factory) {
        this.factory = factory;
    }

    /** The production wiring: port 3784, state changes logged to {@code log}. */
    static BfdWiring create(long seed, Consumer<String> log) {
        return new BfdWiring(() -> new BfdSessions(new java.util.SplittableRandom(seed), log));
    }

    void apply(KeepalivedConfig config) {
        List<BfdSessionConfig> wanted = config.bfdInstances().stream().filter(BfdInstanceDef::toChecker)
                .map(BfdWiring::session).toList();
        if (sessions == null && wanted.isEmpty()) {
            return;
        }
        if (sessions == null) {
            sessions = factory.get();
        }
        sessions.configure(wanted);
    }

    /** The running sessions, or null when no configuration had a bfd_instance. */
    BfdSessions sessions() {
        return sessions;
    }

    static BfdSessionConfig session(BfdInstanceDef b) {
        return new BfdSessionConfig(b.name(), b.neighbor(), b.source(), b.minRxMicros(), b.minTxMicros(),
                b.idleTxMicros(), b.multiplier(), b.passive(), b.ttl(), b.maxHops());
    }

    @Override
    public void close() {
        if (sessions != null) {
            sessions.close();
        }
    }
}
