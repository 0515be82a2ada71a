package io.jlvs.proxy;

import io.jlvs.core.model.InetServiceKey;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** The socket a FULLNAT virtual service listens on, for TCP or UDP. */
interface ServiceListener {
    InetServiceKey key();

    /** Completes with the bound address, or exceptionally when binding failed. */
    CompletableFuture<InetSocketAddress> bound();

    /** Stops accepting new flows. TCP connections already open go on; UDP flows end with the socket. */
    void close();
}
