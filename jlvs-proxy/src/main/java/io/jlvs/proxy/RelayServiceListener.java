package io.jlvs.proxy;

import io.jlvs.core.model.InetServiceKey;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.StreamSockets;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP virtual service on the relay: one listening socket per {@link RelayLoop} (SO_REUSEPORT when
 * there are several, so the kernel spreads new connections and each stays on the loop that accepted it).
 * The sockets are bound here, on the caller's thread, so that a port in use is known at once.
 */
final class RelayServiceListener implements ServiceListener {
    private final InetServiceKey key;
    private final List<RelayLoop> loops;
    private final List<Integer> fds = new ArrayList<>();
    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();

    RelayServiceListener(List<RelayLoop> loops, InetServiceKey key) {
        this.key = key;
        this.loops = loops;
        InetSocketAddress address = new InetSocketAddress(key.address().toInetAddress(), key.port());
        StreamSockets io = new StreamSockets();
        try {
            for (int i = 0; i < loops.size(); i++) {
                fds.add(io.listen(address, loops.size() > 1, 4096));
            }
        } catch (NativeIoException e) {
            for (int fd : fds) {
                io.close(fd);
            }
            fds.clear();
            bound.completeExceptionally(e.errno() == 98
                    ? new BindException("Address already in use: " + address) : e);
            return;
        }
        for (int i = 0; i < loops.size(); i++) {
            RelayLoop loop = loops.get(i);
            int fd = fds.get(i);
            loop.execute(() -> loop.addListener(fd, key));
        }
        bound.complete(address);
    }

    @Override
    public InetServiceKey key() {
        return key;
    }

    @Override
    public CompletableFuture<InetSocketAddress> bound() {
        return bound;
    }

    @Override
    public void close() {
        for (int i = 0; i < fds.size(); i++) {
            RelayLoop loop = loops.get(i);
            int fd = fds.get(i);
            loop.execute(() -> loop.removeListener(fd));
        }
        fds.clear();
    }
}
