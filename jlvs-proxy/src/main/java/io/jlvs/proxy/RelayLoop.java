package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.sys.Errno;
import io.jlvs.sys.StreamSockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of the FULLNAT relay: an epoll instance with this thread's listening sockets (one
 * SO_REUSEPORT socket per service and loop) and the client and real-server sockets of the connections it
 * accepted. Edge-triggered registration, made once per socket: no epoll_ctl per read or write. Owns every
 * {@link RelayFlow} it holds, the closed connections that linger ({@link TcpLinger}, in closing order, so
 * that expiring them looks only at the oldest), its buffers and its socket-address cache. It expires its
 * own idle flows and lingering connections every sweep interval; other threads reach it through
 * {@link #execute} (listing, closing).
 */
final class RelayLoop implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(RelayLoop.class);
    /** Bytes read per recv: also the most a flow buffers per direction when its peer is slow. */
    static final int READ_SIZE = 64 * 1024;
    /** Room for a PROXY protocol header in front of buffered client bytes. */
    static final int CHUNK_SIZE = READ_SIZE + 256;
    private static final int MAX_EVENTS = 256;
    private static final int MAX_ACCEPTS = 64;
    private static final int POOLED_CHUNKS = 32;
    private static final long WAKE_TOKEN = -1L;
    private static final int ECONNABORTED = 103;
    private static final int TICK_MILLIS = 100;

    final ProxyContext ctx;
    private final long sweepNanos;
    final StreamSockets io = new StreamSockets();
    final MemorySegment scratch;
    private final Arena arena = Arena.ofShared();
    private final int epfd;
    private final int wakeFd;
    private final MemorySegment events;
    private final StreamSockets signaller = new StreamSockets();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ArrayDeque<MemorySegment> chunks = new ArrayDeque<>();
    private final Map<Long, Listening> listeners = new HashMap<>();
    private final Map<InetSocketAddress, MemorySegment> sockaddrs = new HashMap<>();
    /** Flows whose connect to a real server is under way (connected ones are dropped at the next tick). */
    final List<RelayFlow> connecting = new ArrayList<>();
    /** Flows that stopped reading to let others run; read again after this batch of events. */
    private final ArrayDeque<RelayFlow> again = new ArrayDeque<>();
    /** Closed connections still counted (TIME_WAIT), oldest first. */
    private final ArrayDeque<TcpLinger> lingers = new ArrayDeque<>();
    private final Thread thread;
    private RelayFlow[] slots = new RelayFlow[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int nextSlot;
    private int serial;
    private long nextListenerToken = -2;
    private long lastTick;
    private long lastSweep;
    /** Flows open on this loop, for the proxy's metrics (written by the loop only). */
    private volatile int openFlows;
    /** Listening sockets taken out of epoll after accept ran out of descriptors or memory, by token. */
    private final Map<Long, Long> pausedUntil = new HashMap<>();
    private volatile boolean running = true;

    private record Listening(int fd, InetServiceKey key) {
    }

    RelayLoop(ProxyContext ctx, String name, long sweepNanos) {
        this.ctx = ctx;
        this.sweepNanos = sweepNanos;
        this.scratch = arena.allocate(READ_SIZE, 64);
        this.events = arena.allocate((long) MAX_EVENTS * StreamSockets.EPOLL_EVENT_SIZE, 8);
        this.epfd = io.epollCreate();
        this.wakeFd = io.eventfd();
        if (io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, wakeFd, StreamSockets.EPOLLIN, WAKE_TOKEN) < 0) {
            throw new IllegalStateException("epoll_ctl(eventfd) failed");
        }
        // loaded now: the pause path names the errno once the process is out of descriptors, when a class
        // file could no longer be opened from a class directory
        Errno.nameOf(0);
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakePending.compareAndSet(false, true)) {
            synchronized (signaller) {
                signaller.eventfdSignal(wakeFd);
            }
        }
    }

    /** Runs the loop's remaining tasks (closing its flows), then stops; waits up to {@code millis}. */
    void shutdown(long millis) throws InterruptedException {
        execute(() -> running = false);
        thread.join(millis);
    }

    // ---- listeners ----

    /** On the loop: starts accepting on {@code fd} (a listening socket) for {@code key}. */
    void addListener(int fd, InetServiceKey key) {
        long token = nextListenerToken--;
        if (io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, fd, StreamSockets.EPOLLIN, token) < 0) {
            LOG.warn("FULLNAT relay cannot watch the listening socket of {}", key);
            io.close(fd);
            return;
        }
        listeners.put(token, new Listening(fd, key));
    }

    /** On the loop: stops accepting on {@code fd} and closes it; open connections stay. */
    void removeListener(int fd) {
        listeners.values().removeIf(l -> {
            if (l.fd() == fd) {
                io.close(fd);
                return true;
            }
            return false;
        });
    }

    // ---- flows ----

    /** Gives {@code flow} a slot and returns the serial its epoll tokens carry. */
    int register(RelayFlow flow) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (nextSlot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                free = Arrays.copyOf(free, free.length * 2);
            }
            slot = nextSlot++;
        }
        slots[slot] = flow;
        flow.slot = slot;
        openFlows++;
        serial = serial == Integer.MAX_VALUE ? 1 : serial + 1;
        return serial;
    }

    void unregister(RelayFlow flow) {
        if (flow.slot >= 0 && slots[flow.slot] == flow) {
            slots[flow.slot] = null;
            free[freeCount++] = flow.slot;
            openFlows--;
        }
        flow.slot = -1;
    }

    /** epoll token of one side (0 client, 1 real server) of a flow. */
    static long token(RelayFlow flow, int side) {
        return ((long) flow.serial << 32) | ((long) flow.slot << 1) | side;
    }

    int watch(int fd, int events, long token) {
        return io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, fd, events, token);
    }

    int rewatch(int fd, int events, long token) {
        return io.epollCtl(epfd, StreamSockets.EPOLL_CTL_MOD, fd, events, token);
    }

    /** A connection of this loop closed and lingers until the closed-connection linger has passed. */
    void linger(TcpLinger linger) {
        lingers.add(linger);
    }

    int openFlows() {
        return openFlows;
    }

    /** The `-Lc` views of this loop's flows and lingering connections, made on the loop. */
    CompletableFuture<List<ConnectionView>> views(long now, Timeouts timeouts) {
        CompletableFuture<List<ConnectionView>> result = new CompletableFuture<>();
        if (!running) {
            result.complete(List.of());
            return result;
        }
        execute(() -> {
            List<ConnectionView> into = new ArrayList<>(openFlows + lingers.size());
            for (int i = 0; i < nextSlot; i++) {
                ConnectionView v = slots[i] == null ? null : slots[i].view(now, timeouts);
                if (v != null) {
                    into.add(v);
                }
            }
            for (TcpLinger l : lingers) {
                into.add(l.view(now, timeouts));
            }
            result.complete(into);
        });
        return result;
    }

    void readAgain(RelayFlow flow) {
        again.add(flow);
    }

    /**
     * A chunk for bytes a slow peer has not taken yet: from the pool, else a new one that the garbage
     * collector frees if the pool has no room for it when it is released.
     */
    MemorySegment chunk() {
        MemorySegment c = chunks.poll();
        return c != null ? c : Arena.ofAuto().allocate(CHUNK_SIZE, 64);
    }

    void release(MemorySegment chunk) {
        if (chunks.size() < POOLED_CHUNKS) {
            chunks.push(chunk);
        }
    }

    /** A sockaddr for {@code target}, made once per address and kept by this loop. */
    MemorySegment sockaddr(InetSocketAddress target) {
        MemorySegment sa = sockaddrs.get(target);
        if (sa == null) {
            if (sockaddrs.size() > 4096) {
                sockaddrs.clear();
            }
            sa = Arena.ofAuto().allocate(28, 8);
            int len = StreamSockets.sockaddr(sa, IpAddress.of(target.getAddress()), target.getPort());
            sa = sa.asSlice(0, len);
            sockaddrs.put(target, sa);
        }
        return sa;
    }

    // ---- the loop ----

    private void run() {
        try {
            while (running) {
                int timeout = !tasks.isEmpty() || !again.isEmpty() ? 0
                        : timersRunning() ? TICK_MILLIS
                        : sweepDue() ? (int) Math.clamp(sweepNanos / 1_000_000L, 1, 1000) : 1000;
                int n = io.epollWait(epfd, events, MAX_EVENTS, timeout);
                if (n < 0 && n != -StreamSockets.EINTR) {
                    LOG.error("FULLNAT relay: epoll_wait failed (errno {}); the loop stops", -n);
                    break;
                }
                for (int i = 0; i < n; i++) {
                    dispatch(StreamSockets.eventToken(events, i), StreamSockets.eventMask(events, i));
                }
                for (int k = again.size(); k > 0; k--) {
                    again.poll().readMore();
                }
                runTasks();
                tick();
            }
            runTasks();
        } catch (RuntimeException | Error e) {
            LOG.error("FULLNAT relay loop {} failed", thread.getName(), e);
        } finally {
            closeAll();
        }
    }

    private void dispatch(long token, int mask) {
        if (token >= 0) {
            int slot = (int) (token & 0xffffffffL) >>> 1;
            RelayFlow f = slot < nextSlot ? slots[slot] : null;
            if (f != null && f.serial == (int) (token >>> 32)) {
                f.onEvent((int) (token & 1), mask);
            }
        } else if (token == WAKE_TOKEN) {
            wakePending.set(false);
            io.eventfdDrain(wakeFd);
        } else {
            Listening l = listeners.get(token);
            if (l != null) {
                accept(token, l);
            }
        }
    }

    private void accept(long token, Listening l) {
        for (int i = 0; i < MAX_ACCEPTS; i++) {
            int fd = io.accept(l.fd());
            if (fd < 0) {
                if (fd != -StreamSockets.EAGAIN && fd != -StreamSockets.EINTR && fd != -ECONNABORTED) {
                    ctx.acceptFailures.increment();
                    pause(token, l, -fd);
                }
                return;
            }
            new RelayFlow(this, l.key(), fd, io.peerAddress(), io.peerPort()).start();
        }
    }

    /**
     * accept failed for want of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM): the pending
     * connection stays queued and a level-triggered listener would wake the loop at once, forever. Take
     * the listener out of epoll for {@value #TICK_MILLIS} ms instead; open connections go on meanwhile.
     */
    private void pause(long token, Listening l, int errno) {
        if (io.epollCtl(epfd, StreamSockets.EPOLL_CTL_DEL, l.fd(), 0, 0) == 0) {
            pausedUntil.put(token, ctx.clock.getAsLong() + TICK_MILLIS * 1_000_000L);
            LOG.warn("FULLNAT {}: accept failed ({}); not accepting for {} ms", l.key(),
                    Errno.nameOf(errno), TICK_MILLIS);
        }
    }

    private void resumeListeners(long now) {
        pausedUntil.entrySet().removeIf(e -> {
            if (now - e.getValue() < 0) {
                return false;
            }
            Listening l = listeners.get(e.getKey());
            if (l != null) {
                io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, l.fd(), StreamSockets.EPOLLIN, e.getKey());
            }
            return true;
        });
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("FULLNAT relay task failed", e);
            }
        }
    }

    private boolean timersRunning() {
        return !connecting.isEmpty() || !pausedUntil.isEmpty();
    }

    private boolean sweepDue() {
        return openFlows > 0 || !lingers.isEmpty();
    }

    /**
     * Connect timeouts and paused listeners, checked every {@value #TICK_MILLIS} ms while there are any;
     * idle flows and lingering connections, every sweep interval while there are any.
     */
    private void tick() {
        boolean timers = timersRunning();
        boolean sweep = sweepDue();
        if (!timers && !sweep) {
            return;
        }
        long now = ctx.clock.getAsLong();
        if (timers && now - lastTick >= TICK_MILLIS * 1_000_000L) {
            lastTick = now;
            if (!pausedUntil.isEmpty()) {
                resumeListeners(now);
            }
            for (RelayFlow f : List.copyOf(connecting)) {
                f.checkConnectTimeout(now);
            }
            connecting.removeIf(RelayFlow::notConnecting);
        }
        if (sweep && now - lastSweep >= sweepNanos) {
            lastSweep = now;
            sweep(now);
        }
    }

    /** Closes idle flows; ends the lingering of connections closed longer ago than the linger. */
    private void sweep(long now) {
        Timeouts timeouts = ctx.snapshot().timeouts();
        for (int i = 0; i < nextSlot; i++) {
            RelayFlow f = slots[i];
            if (f != null && f.idleExpired(now, timeouts)) {
                f.close();
            }
        }
        TcpLinger oldest;
        while ((oldest = lingers.peek()) != null && oldest.idleExpired(now, timeouts)) {
            lingers.poll().release();
        }
    }

    private void closeAll() {
        for (int i = 0; i < nextSlot; i++) {
            if (slots[i] != null) {
                slots[i].close();
            }
        }
        TcpLinger lingering;
        while ((lingering = lingers.poll()) != null) {
            lingering.release();
        }
        for (Listening l : listeners.values()) {
            io.close(l.fd());
        }
        listeners.clear();
        io.close(wakeFd);
        io.close(epfd);
        chunks.clear();
        arena.close();
    }
}
