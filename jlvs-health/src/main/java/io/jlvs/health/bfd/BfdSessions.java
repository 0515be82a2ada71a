package io.jlvs.health.bfd;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.UdpDatagram;
import io.jlvs.sys.UdpTtlSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The BFD sessions of the bfd_instance blocks, run over UDP as RFC 5881 says (single hop): control packets to
 * port 3784 from a source port in 49152-65535, sent with the configured TTL (255 for IPv4, keepalived's 64 for
 * IPv6 unless set) and received only with a TTL of at least ttl - max_hops (see {@link UdpTtlSocket}). One timer
 * thread steps every session; one thread per address family receives. State changes are logged with
 * keepalived's wording ({@code BFD_Instance(NAME) Entering Up state}) and wake {@link #awaitChange} callers.
 */
public final class BfdSessions implements AutoCloseable {
    public static final int CONTROL_PORT = 3784;
    private static final int SOURCE_PORT_MIN = 49152;
    private static final int SOURCE_PORT_MAX = 65535;

    private final int listenPort;
    private final int peerPort;
    private final RandomGenerator random;
    private final Consumer<String> log;
    private final BfdDrops drops = new BfdDrops();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition wake = lock.newCondition();
    // guarded by lock
    private final Map<String, Running> byName = new LinkedHashMap<>();
    private final Map<Integer, Running> byDiscriminator = new HashMap<>();
    private final Map<Boolean, Receiver> receivers = new HashMap<>();
    private Thread timer;
    private boolean closed;

    private record Running(BfdSession session, UdpTtlSocket socket) {
    }

    private final class Receiver {
        final UdpTtlSocket socket;
        final Thread thread;

        Receiver(boolean v6) {
            socket = UdpTtlSocket.open(v6, null, listenPort, 255);
            thread = Thread.ofPlatform().daemon().name("jlvs-bfd-rx" + (v6 ? "6" : "4")).start(this::run);
        }

        private void run() {
            while (!closed) {
                UdpDatagram d;
                try {
                    d = socket.receive(200);
                } catch (RuntimeException e) {
                    if (!closed) {
                        log.accept("BFD receive error: " + e.getMessage());
                    }
                    return;
                }
                if (d != null) {
                    handle(d);
                }
            }
        }
    }

    /** The production runtime: port 3784 both ways. */
    public BfdSessions(RandomGenerator random, Consumer<String> log) {
        this(CONTROL_PORT, CONTROL_PORT, random, log);
    }

    /** @param listenPort where control packets are received; {@code peerPort} where they are sent (tests) */
    public BfdSessions(int listenPort, int peerPort, RandomGenerator random, Consumer<String> log) {
        this.listenPort = listenPort;
        this.peerPort = peerPort;
        this.random = random;
        this.log = log;
    }

    /** Packets discarded before reaching a session (malformed, or no session); sessions count their own. */
    public BfdDrops drops() {
        return drops;
    }

    /**
     * Runs exactly these sessions: a session whose configuration is unchanged keeps running (and its state);
     * one no longer configured is sent AdminDown and stopped; a new one starts Down.
     */
    public void configure(List<BfdSessionConfig> configs) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("BFD stopped");
            }
            Map<String, BfdSessionConfig> next = new LinkedHashMap<>();
            configs.forEach(c -> next.put(c.name(), c));
            for (Running r : new ArrayList<>(byName.values())) {
                BfdSessionConfig c = next.get(r.session().name());
                if (c == null || !c.equals(r.session().config())) {
                    stop(r);
                }
            }
            long now = System.nanoTime();
            for (BfdSessionConfig c : next.values()) {
                if (!byName.containsKey(c.name())) {
                    try {
                        startSession(c, now);
                    } catch (RuntimeException e) {
                        log.accept("BFD_Instance(" + c.name() + ") cannot start: " + e.getMessage());
                    }
                }
            }
            wake.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void startSession(BfdSessionConfig c, long now) {
        boolean v6 = !c.neighbor().isV4();
        receivers.computeIfAbsent(v6, Receiver::new);
        if (timer == null) {
            timer = Thread.ofPlatform().daemon().name("jlvs-bfd-timer").start(this::runTimer);
        }
        UdpTtlSocket socket = openSource(v6, c);
        int disc;
        do {
            disc = random.nextInt();
        } while (disc == 0 || byDiscriminator.containsKey(disc));
        BfdSession s = new BfdSession(c, disc, random, this::transmit, this::onChange);
        Running r = new Running(s, socket);
        byName.put(c.name(), r);
        byDiscriminator.put(disc, r);
        s.start(now);
    }

    private UdpTtlSocket openSource(boolean v6, BfdSessionConfig c) {
        RuntimeException last = null;
        for (int i = 0; i < 64; i++) {
            int port = SOURCE_PORT_MIN + random.nextInt(SOURCE_PORT_MAX - SOURCE_PORT_MIN + 1);
            try {
                return UdpTtlSocket.open(v6, c.source(), port, c.ttl());
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private void stop(Running r) {
        r.session().adminDown(true, System.nanoTime());
        byName.remove(r.session().name());
        byDiscriminator.remove(r.session().localDiscriminator());
        r.socket().close();
        changed.signalAll();
    }

    public Optional<BfdSession> session(String name) {
        lock.lock();
        try {
            Running r = byName.get(name);
            return r == null ? Optional.empty() : Optional.of(r.session());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the state of session {@code name} is not {@code seen}, at most {@code timeout}; returns the state
     * then (empty when there is still no such session at the end).
     */
    public Optional<BfdState> awaitChange(String name, BfdState seen, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Running r = byName.get(name);
                if (r == null) {
                    if (left <= 0 || closed) {
                        return Optional.empty();
                    }
                    left = changed.awaitNanos(left);
                    continue;
                }
                BfdState now = r.session().state();
                if (now != seen || left <= 0 || closed) {
                    return Optional.of(now);
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void transmit(BfdSession s, BfdPacket p) {
        Running r = byName.get(s.name());
        if (r != null && r.session() == s) {
            try {
                r.socket().send(s.config().neighbor(), peerPort, p.encode());
            } catch (RuntimeException e) {
                log.accept("BFD_Instance(" + s.name() + ") Error sending packet: " + e.getMessage());
            }
        }
    }

    private void onChange(BfdSession s, BfdState from, BfdState to, BfdDiag diag) {
        if (to == BfdState.DOWN) {
            log.accept("BFD_Instance(" + s.name() + ") Entering " + to + " state (Local diagnostic - " + diag
                    + ", Remote diagnostic - " + s.remoteDiag() + ")");
        } else {
            log.accept("BFD_Instance(" + s.name() + ") Entering " + to + " state");
        }
        if (lock.isHeldByCurrentThread()) {
            changed.signalAll();
        }
    }

    private void handle(UdpDatagram d) {
        BfdPacket p;
        try {
            p = BfdPacket.decode(d.data(), d.length());
        } catch (BfdDropException e) {
            drops.count(e.reason());
            return;
        }
        lock.lock();
        try {
            Running r;
            if (p.yourDiscriminator() != 0) {
                r = byDiscriminator.get(p.yourDiscriminator());
                if (r == null) {
                    drops.count(BfdDropReason.UNKNOWN_YOUR_DISCRIMINATOR);
                    return;
                }
            } else {
                r = byNeighbor(d.source(), d.destination());
                if (r == null) {
                    drops.count(BfdDropReason.NO_SESSION);
                    return;
                }
            }
            try {
                r.session().receive(p, d.ttl(), System.nanoTime());
            } catch (BfdDropException e) {
                return; // counted by the session
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Running byNeighbor(IpAddress source, IpAddress destination) {
        for (Running r : byName.values()) {
            BfdSessionConfig c = r.session().config();
            if (c.neighbor().equals(source) && (c.source() == null || destination == null
                    || c.source().equals(destination))) {
                return r;
            }
        }
        return null;
    }

    private void runTimer() {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                long next = BfdSession.NEVER;
                for (Running r : byName.values()) {
                    next = Math.min(next, r.session().tick(now));
                }
                long wait = next == BfdSession.NEVER ? TimeUnit.SECONDS.toNanos(1) : next - System.nanoTime();
                if (wait > 0) {
                    wake.awaitNanos(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Sends AdminDown on every session and stops. */
    @Override
    public void close() {
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            new ArrayList<>(byName.values()).forEach(this::stop);
            closed = true;
            wake.signalAll();
            changed.signalAll();
            if (timer != null) {
                threads.add(timer);
            }
            receivers.values().forEach(r -> threads.add(r.thread));
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        receivers.values().forEach(r -> r.socket.close());
    }
}
