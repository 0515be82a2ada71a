package io.jlvs.engine.keepalived;

import io.jlvs.core.model.VirtualServiceKey;
import java.net.InetSocketAddress;

/**
 * Receives the sorry_server of FULLNAT virtual services: the FULLNAT proxy sends new connections there
 * when no real server can take them. Called with null when the service has none (any more).
 */
@FunctionalInterface
public interface SorryServerSink {

    SorryServerSink NONE = (key, sorry) -> {
    };

    void set(VirtualServiceKey key, InetSocketAddress sorryServer);
}
