package io.jlvs.packet.sync;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of one director's sync daemons: messages and connections sent and received, drops by reason. */
public final class SyncStats {
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong connsSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong messagesReceived = new AtomicLong();
    private final AtomicLong connsReceived = new AtomicLong();
    private final AtomicLong messagesDropped = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(SyncDropReason.values().length);

    void sent(int conns) {
        messagesSent.incrementAndGet();
        connsSent.addAndGet(conns);
    }

    void sendError() {
        sendErrors.incrementAndGet();
    }

    void received() {
        messagesReceived.incrementAndGet();
    }

    void connReceived() {
        connsReceived.incrementAndGet();
    }

    void messageDropped(SyncDropReason reason) {
        messagesDropped.incrementAndGet();
        drops.incrementAndGet(reason.ordinal());
    }

    void dropped(SyncDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long messagesSent() {
        return messagesSent.get();
    }

    public long connsSent() {
        return connsSent.get();
    }

    public long messagesReceived() {
        return messagesReceived.get();
    }

    public long connsReceived() {
        return connsReceived.get();
    }

    public long messagesDropped() {
        return messagesDropped.get();
    }

    /** Drops counted here (decoding, queueing); records a data plane refused are counted by it. */
    public long drops(SyncDropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** The counters by name (sync_messages_sent, ..., sync_drop_&lt;reason&gt;). */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sync_messages_sent", messagesSent.get());
        m.put("sync_conns_sent", connsSent.get());
        m.put("sync_send_errors", sendErrors.get());
        m.put("sync_messages_received", messagesReceived.get());
        m.put("sync_conns_received", connsReceived.get());
        m.put("sync_messages_dropped", messagesDropped.get());
        for (SyncDropReason r : SyncDropReason.values()) {
            m.put("sync_drop_" + r.name().toLowerCase(Locale.ROOT), drops.get(r.ordinal()));
        }
        return m;
    }
}
