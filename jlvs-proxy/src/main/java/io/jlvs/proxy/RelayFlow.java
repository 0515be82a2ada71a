package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.sys.StreamSockets;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * One proxied TCP connection of the relay: the client's socket (front) and the real server's
 * (back), both owned by one {@link RelayLoop}. Bytes are read into the loop's scratch buffer and sent on
 * at once; only what the peer's socket does not take is kept, in one chunk per direction, and the side
 * that produced it is not read again until it has left: a slow peer holds back the fast one (at most
 * {@link RelayLoop#READ_SIZE} bytes held per direction). Client bytes that arrive before the real
 * server accepted wait in the same chunk, behind the PROXY protocol header when the service sends one.
 * Each half closes on its own (a FIN is passed on once what precedes it has left).
 *
 * <p>IPVS accounting as {@link TcpFlow}: bound inactive when placed, active once the real server accepted,
 * inactive at the first FIN, unbound when both sockets are closed (or after the closed-connection linger).
 * Only its loop touches it: the loop expires it when idle and makes its `-Lc` view.
 */
final class RelayFlow implements ProxiedFlow {
    static final int FRONT = 0;
    static final int BACK = 1;
    private static final int READ_EVENTS = StreamSockets.EPOLLIN | StreamSockets.EPOLLRDHUP | StreamSockets.EPOLLET;
    private static final int WRITE_EVENTS = READ_EVENTS | StreamSockets.EPOLLOUT;
    private static final int READ_BURST = 16;

    private final RelayLoop loop;
    private final ProxyContext ctx;
    private final StreamSockets io;
    private final InetServiceKey key;
    private final FullNatServiceOptions options;
    private final IpAddress client;
    private final int clientPort;
    int slot = -1;
    int serial;
    private int frontFd;
    private int backFd = -1;
    private TcpPlacement placement;
    private TcpState state = TcpState.SYN_RECV;
    private long lastActivity;
    private long connectStart;
    private boolean connected;
    private boolean closed;
    /** Per side: EPOLLOUT is part of the socket's registration (added once a send fell short). */
    private final boolean[] outWatched = new boolean[2];
    private long earlyReads;
    private long earlyBytes;
    /** Per side: end of stream read, output shut down, output to shut once drained, reading held back. */
    private final boolean[] eof = new boolean[2];
    private final boolean[] outShut = new boolean[2];
    private final boolean[] shutWhenDrained = new boolean[2];
    private final boolean[] held = new boolean[2];
    /**
     * Per side: the peer's FIN has been signalled (EPOLLRDHUP). Until then a short read means the socket is
     * drained; after it, reading goes on to the end of stream, as no further edge will announce it.
     */
    private final boolean[] peerClosed = new boolean[2];
    /** Per side: bytes waiting to be sent TO that side. */
    private final MemorySegment[] pending = new MemorySegment[2];
    private final int[] pendingOffset = new int[2];
    private final int[] pendingLength = new int[2];

    RelayFlow(RelayLoop loop, InetServiceKey key, int frontFd, IpAddress client, int clientPort) {
        this.loop = loop;
        this.ctx = loop.ctx;
        this.io = loop.io;
        this.key = key;
        this.options = ctx.options(key);
        this.frontFd = frontFd;
        this.client = client;
        this.clientPort = clientPort;
    }

    @Override
    public Executor owner() {
        return loop;
    }

    // ---- start: place the flow and connect to the real server ----

    void start() {
        lastActivity = ctx.clock.getAsLong();
        ServiceRuntime service = ctx.service(key);
        TcpPlacement p = service == null ? null : new TcpPlacement(ctx, key, options, service, client, clientPort);
        if (p == null || !p.place(lastActivity, null)) {
            io.close(frontFd);
            frontFd = -1;
            return;
        }
        placement = p;
        service.counters().connection();
        serial = loop.register(this);
        if (options.proxyProtocol() != ProxyProtocol.NONE) {
            byte[] header = ProxyHeader.encode(options.proxyProtocol(), client, clientPort, key.address(), key.port());
            MemorySegment c = chunkFor(BACK);
            MemorySegment.copy(header, 0, c, ValueLayout.JAVA_BYTE, 0, header.length);
            pendingLength[BACK] = header.length;
        }
        // The client usually spoke already (it writes as soon as its connect completed): read before
        // registering, so its first bytes can go out right after the real server's connect.
        readEarly();
        if (closed) {
            return;
        }
        if (loop.watch(frontFd, READ_EVENTS, RelayLoop.token(this, FRONT)) < 0) {
            abort();
            return;
        }
        connect();
    }

    private void connect() {
        state = TcpState.SYN_RECV;
        connected = false;
        InetSocketAddress t = placement.target();
        backFd = io.socket(t.getAddress() instanceof Inet6Address ? StreamSockets.AF_INET6 : StreamSockets.AF_INET);
        if (backFd < 0) {
            connectFailed();
            return;
        }
        io.noDelay(backFd);
        java.net.InetAddress source = placement.source();
        if (source != null) {
            MemorySegment from = loop.sockaddr(new InetSocketAddress(source, 0));
            if (io.bind(backFd, from, (int) from.byteSize()) < 0) {
                connectFailed();
                return;
            }
        }
        MemorySegment sa = loop.sockaddr(t);
        int rc = io.connect(backFd, sa, (int) sa.byteSize());
        if (rc < 0 && rc != -StreamSockets.EINPROGRESS) {
            connectFailed();
            return;
        }
        if (pendingLength[BACK] > 0) {
            // On loopback and fast links the handshake is often over when connect returns: a send that
            // takes bytes proves it and saves waiting for EPOLLOUT; EAGAIN means still connecting.
            long w = io.send(backFd, pending[BACK], pendingOffset[BACK], pendingLength[BACK]);
            if (w > 0) {
                pendingOffset[BACK] += (int) w;
                pendingLength[BACK] -= (int) w;
                boolean more = pendingLength[BACK] > 0;
                outWatched[BACK] = more;
                if (loop.watch(backFd, more ? WRITE_EVENTS : READ_EVENTS, RelayLoop.token(this, BACK)) < 0) {
                    abort();
                    return;
                }
                onConnected();
                return;
            }
            if (w != -StreamSockets.EAGAIN) {
                connectFailed();
                return;
            }
        }
        outWatched[BACK] = true;
        if (loop.watch(backFd, WRITE_EVENTS, RelayLoop.token(this, BACK)) < 0) {
            connectFailed();
            return;
        }
        connectStart = ctx.clock.getAsLong();
        loop.connecting.add(this);
    }

    private void connectFailed() {
        if (backFd >= 0) {
            io.close(backFd);
            backFd = -1;
        }
        if (placement.retryAfterConnectFailure(ctx.clock.getAsLong())) {
            connect();
            return;
        }
        abort();
    }

    void checkConnectTimeout(long now) {
        if (!closed && !connected && backFd >= 0 && now - connectStart > options.connectTimeout().toNanos()) {
            connectFailed();
        }
    }

    boolean notConnecting() {
        return closed || connected;
    }

    private void onConnected() {
        connected = true;
        state = TcpState.ESTABLISHED;
        placement.established();
        DestinationState destination = placement.destination();
        if (destination != null && earlyReads > 0) {
            destination.counters().inbound(earlyReads, earlyBytes);
        }
        lastActivity = ctx.clock.getAsLong();
        if (!flush(BACK)) {
            return;
        }
        if (eof[FRONT]) {
            finished(FRONT);
        } else if (held[FRONT]) {
            held[FRONT] = false;
            relay(FRONT);
        }
    }

    // ---- events ----

    void onEvent(int side, int mask) {
        if (closed) {
            return;
        }
        if ((mask & (StreamSockets.EPOLLRDHUP | StreamSockets.EPOLLHUP)) != 0) {
            peerClosed[side] = true;
        }
        if (side == BACK && !connected) {
            if ((mask & (StreamSockets.EPOLLERR | StreamSockets.EPOLLHUP)) != 0) {
                connectFailed();
                return;
            }
            if ((mask & StreamSockets.EPOLLOUT) == 0) {
                return;
            }
            onConnected();
            if (closed) {
                return;
            }
        } else if ((mask & StreamSockets.EPOLLERR) != 0) {
            abort();
            return;
        }
        if ((mask & StreamSockets.EPOLLOUT) != 0 && pendingLength[side] > 0 && !flush(side)) {
            return;
        }
        if ((mask & (StreamSockets.EPOLLIN | StreamSockets.EPOLLRDHUP | StreamSockets.EPOLLHUP)) != 0) {
            if (side == FRONT && !connected) {
                readEarly();
            } else {
                relay(side);
            }
        }
    }

    /** After a burst was cut short to let other flows run: read on. */
    void readMore() {
        if (!closed && !connected) {
            readEarly();
        } else if (!closed) {
            relay(FRONT);
            if (!closed) {
                relay(BACK);
            }
        }
    }

    /** Client bytes before the real server accepted: kept (bounded by one chunk) until it does. */
    private void readEarly() {
        if (eof[FRONT]) {
            return;
        }
        while (true) {
            int end = pendingOffset[BACK] + pendingLength[BACK];
            int room = RelayLoop.CHUNK_SIZE - end;
            if (room == 0) {
                held[FRONT] = true;
                return;
            }
            long n;
            if (pending[BACK] == null) {
                // nothing kept yet: read into the loop's buffer, so a client that has not spoken holds no chunk
                room = RelayLoop.READ_SIZE;
                n = io.recv(frontFd, loop.scratch, 0, room);
                if (n > 0) {
                    MemorySegment.copy(loop.scratch, 0, chunkFor(BACK), 0, n);
                }
            } else {
                n = io.recv(frontFd, pending[BACK], end, room);
            }
            if (n > 0) {
                pendingLength[BACK] += (int) n;
                placement.service.counters().inbound(1, n);
                earlyReads++;
                earlyBytes += n;
                if (n < room && !peerClosed[FRONT]) {
                    return;
                }
            } else if (n == 0) {
                eof[FRONT] = true;
                return;
            } else {
                if (n != -StreamSockets.EAGAIN) {
                    abort();
                }
                return;
            }
        }
    }

    /** Reads side {@code from} and sends to the other side until the socket is drained or the peer is full. */
    private void relay(int from) {
        int to = from ^ 1;
        int fromFd = from == FRONT ? frontFd : backFd;
        int toFd = from == FRONT ? backFd : frontFd;
        if (eof[from] || fromFd < 0) {
            return;
        }
        for (int burst = 0; burst < READ_BURST; burst++) {
            if (pendingLength[to] > 0) {
                held[from] = true;
                return;
            }
            long n = io.recv(fromFd, loop.scratch, 0, RelayLoop.READ_SIZE);
            if (n > 0) {
                count(from, n);
                long w = io.send(toFd, loop.scratch, 0, n);
                if (w == n) {
                    if (n < RelayLoop.READ_SIZE && !peerClosed[from]) {
                        return;
                    }
                    continue;
                }
                if (w < 0 && w != -StreamSockets.EAGAIN) {
                    abort();
                    return;
                }
                keep(to, w < 0 ? 0 : (int) w, (int) n);
                return;
            }
            if (n == 0) {
                eof[from] = true;
                finished(from);
                return;
            }
            if (n != -StreamSockets.EAGAIN) {
                abort();
            }
            return;
        }
        loop.readAgain(this);
    }

    private void count(int from, long bytes) {
        lastActivity = ctx.clock.getAsLong();
        if (from == FRONT) {
            placement.inbound(1, bytes);
        } else {
            placement.outbound(1, bytes);
        }
    }

    /** Keeps scratch bytes [sent, n) for side {@code to} and waits for it to be writable. */
    private void keep(int to, int sent, int n) {
        MemorySegment c = chunkFor(to);
        MemorySegment.copy(loop.scratch, sent, c, 0, n - sent);
        pendingOffset[to] = 0;
        pendingLength[to] = n - sent;
        ctx.maxPendingWriteBytes.accumulate(n - sent);
        held[to ^ 1] = true;
        watchOutput(to);
    }

    /** Adds EPOLLOUT to {@code side}'s registration (once); false when that failed and the flow was closed. */
    private boolean watchOutput(int side) {
        if (!outWatched[side]) {
            outWatched[side] = true;
            if (loop.rewatch(side == FRONT ? frontFd : backFd, WRITE_EVENTS, RelayLoop.token(this, side)) < 0) {
                abort();
                return false;
            }
        }
        return true;
    }

    private MemorySegment chunkFor(int side) {
        if (pending[side] == null) {
            pending[side] = loop.chunk();
            pendingOffset[side] = 0;
            pendingLength[side] = 0;
        }
        return pending[side];
    }

    /**
     * Sends what waits for {@code side}; once all has left, passes on a FIN that waited for it and lets the
     * other side be read again. False when the flow was closed.
     */
    private boolean flush(int side) {
        int fd = side == FRONT ? frontFd : backFd;
        while (pendingLength[side] > 0) {
            long w = io.send(fd, pending[side], pendingOffset[side], pendingLength[side]);
            if (w > 0) {
                pendingOffset[side] += (int) w;
                pendingLength[side] -= (int) w;
            } else if (w == -StreamSockets.EAGAIN || w == 0) {
                return watchOutput(side);
            } else {
                abort();
                return false;
            }
        }
        if (pending[side] != null) {
            loop.release(pending[side]);
            pending[side] = null;
        }
        if (shutWhenDrained[side]) {
            shutWhenDrained[side] = false;
            shutOutput(side);
        }
        if (closeIfDone()) {
            return false;
        }
        int other = side ^ 1;
        if (held[other]) {
            held[other] = false;
            loop.readAgain(this);
        }
        return true;
    }

    // ---- closing ----

    /** Side {@code from} sent its FIN: pass it on (after what is still waiting), update state and counts. */
    private void finished(int from) {
        placement.finished();
        lastActivity = ctx.clock.getAsLong();
        int to = from ^ 1;
        state = eof[FRONT] && eof[BACK] ? TcpState.CLOSE : from == FRONT ? TcpState.FIN_WAIT : TcpState.CLOSE_WAIT;
        if (closeIfDone()) {
            return;   // close() sends the FIN: no shutdown first
        }
        if (pendingLength[to] == 0) {
            shutOutput(to);
        } else {
            shutWhenDrained[to] = true;
        }
        closeIfDone();
    }

    private void shutOutput(int side) {
        int fd = side == FRONT ? frontFd : backFd;
        if (!outShut[side] && fd >= 0) {
            outShut[side] = true;
            io.shutdown(fd, StreamSockets.SHUT_WR);
        }
    }

    private boolean closeIfDone() {
        if (eof[FRONT] && eof[BACK] && pendingLength[FRONT] == 0 && pendingLength[BACK] == 0) {
            abort();
            return true;
        }
        return false;
    }

    /** Closes both sockets now and settles the accounting. */
    private void abort() {
        if (closed) {
            return;
        }
        closed = true;
        if (frontFd >= 0) {
            io.close(frontFd);
            frontFd = -1;
        }
        if (backFd >= 0) {
            io.close(backFd);
            backFd = -1;
        }
        for (int side = 0; side < 2; side++) {
            if (pending[side] != null) {
                loop.release(pending[side]);
                pending[side] = null;
                pendingLength[side] = 0;
            }
        }
        loop.unregister(this);
        TcpLinger linger = placement.closed(loop, ctx.clock.getAsLong());
        if (linger != null) {
            loop.linger(linger);
        }
    }

    // ---- idle expiry and listing ----

    @Override
    public boolean idleExpired(long now, Timeouts timeouts) {
        return now - lastActivity > state.idleTimeoutNanos(options, timeouts);
    }

    @Override
    public void expire() {
        if (idleExpired(ctx.clock.getAsLong(), ctx.snapshot().timeouts())) {
            close();
        }
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public ConnectionView view(long now, Timeouts timeouts) {
        InetSocketAddress t = placement == null ? null : placement.target();
        if (t == null) {
            return null;
        }
        TcpState s = state;
        long remaining = Math.max(0, (s.idleTimeoutNanos(options, timeouts) - (now - lastActivity)) / 1_000_000L);
        return new ConnectionView(Protocol.TCP, client, clientPort, key.address(), key.port(),
                IpAddress.of(t.getAddress()), t.getPort(), s.name(), remaining, false, null, null);
    }
}
