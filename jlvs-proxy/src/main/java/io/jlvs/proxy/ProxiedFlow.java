package io.jlvs.proxy;

import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import java.util.concurrent.Executor;

/** A proxied TCP connection or UDP flow: owned by one event loop, listed by `-Lc`, expired when idle. */
interface ProxiedFlow {
    /** The thread that owns the flow's state (a Netty event loop or a relay loop). */
    Executor owner();

    /** True when idle longer than its state's timeout at {@code now}; may be read from any thread. */
    boolean idleExpired(long now, Timeouts timeouts);

    /** On the owning event loop: closes the flow if it is still idle-expired. */
    void expire();

    /** On the owning event loop: closes the flow now (its service or the proxy is going away). */
    void close();

    /** A view for `-Lc`, or null when the flow should not be listed. */
    ConnectionView view(long now, Timeouts timeouts);
}
