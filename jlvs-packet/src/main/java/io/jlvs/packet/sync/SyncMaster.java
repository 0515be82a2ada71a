package io.jlvs.packet.sync;

import io.jlvs.packet.Dataplane;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The master sync daemon: gives each data-plane worker a {@link SyncEventRing}, and on its own thread
 * drains them into version-1 messages, sent when full or when the oldest record waited 2 s (the
 * kernel's flush time). {@link #close} detaches the rings, stops the thread and closes the output.
 */
public final class SyncMaster implements AutoCloseable {
    /** Where finished messages go (a multicast socket, or a test). */
    public interface Output extends AutoCloseable {
        void send(ByteBuffer message) throws IOException;

        @Override
        void close();
    }

    private static final int RING_CAPACITY = 16384;

    private final List<Dataplane> dataplanes;
    private final List<SyncEventRing> rings = new ArrayList<>();
    /** Owner: the sending thread (or the test calling {@link #step}). */
    private final SyncMessageWriter writer;
    private final Output output;
    private final SyncStats stats;
    private final LongSupplier clock;
    private final long flushNanos;
    private final Thread thread;
    private volatile boolean running = true;
    private long firstUse;

    public SyncMaster(List<Dataplane> dataplanes, int syncId, int maxLength, Output output, SyncStats stats,
                      LongSupplier nanoClock, long flushNanos) {
        this.dataplanes = List.copyOf(dataplanes);
        this.writer = new SyncMessageWriter(syncId, maxLength);
        this.output = output;
        this.stats = stats;
        this.clock = nanoClock;
        this.flushNanos = flushNanos;
        for (Dataplane d : this.dataplanes) {
            SyncEventRing ring = new SyncEventRing(RING_CAPACITY);
            rings.add(ring);
            d.syncTo(ring);
        }
        this.thread = Thread.ofPlatform().daemon(true).name("jlvs-sync-master").unstarted(this::loop);
    }

    /** Starts the sending thread. */
    public SyncMaster start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            if (!step(clock.getAsLong())) {
                LockSupport.parkNanos(SyncProtocol.CHECK_NANOS);
            }
        }
    }

    /**
     * One round: moves queued records into messages, sending each full one, and sends the partial one
     * when its first record is {@code flushNanos} old.
     *
     * @return true when records were moved or a message sent
     */
    public boolean step(long nowNanos) {
        boolean work = false;
        for (SyncEventRing ring : rings) {
            while (true) {
                boolean wasEmpty = writer.isEmpty();
                int moved = ring.drainTo(writer);
                if (moved > 0) {
                    work = true;
                    if (wasEmpty) {
                        firstUse = nowNanos;
                    }
                }
                if (ring.isEmpty()) {
                    break;
                }
                send();
            }
        }
        if (!writer.isEmpty() && nowNanos - firstUse >= flushNanos) {
            send();
            work = true;
        }
        return work;
    }

    private void send() {
        if (writer.isEmpty()) {
            return;
        }
        try {
            output.send(writer.message());
            stats.sent(writer.count());
        } catch (IOException e) {
            stats.sendError();
        }
        writer.reset();
    }

    /** Records the workers could not queue because a ring was full. */
    public long ringDrops() {
        long n = 0;
        for (SyncEventRing r : rings) {
            n += r.dropped();
        }
        return n;
    }

    @Override
    public void close() {
        for (Dataplane d : dataplanes) {
            d.syncTo(null);
        }
        running = false;
        if (thread.isAlive()) {
            LockSupport.unpark(thread);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        output.close();
    }
}
