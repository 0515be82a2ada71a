package io.jlvs.admin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Values /metrics shows that the IPVS table does not hold: configuration reloads, packets the data
 * planes dropped, by reason, the packet data plane's frame counters and fast-path connections, and the
 * connection capacity of the data planes that have a fixed-size table.
 * The daemon wiring sets the reload counter; each data plane registers its drop counters and capacity.
 * All are read at scrape time. Thread-safe.
 */
public final class DaemonCounters {
    private volatile LongSupplier reloads = () -> 0;
    private volatile LongSupplier refusedReloads = () -> 0;
    private volatile java.util.function.BooleanSupplier lastReloadSuccessful = () -> true;
    private final List<Supplier<Map<String, Long>>> dropSources = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> capacitySources = new CopyOnWriteArrayList<>();
    private final List<Supplier<Map<String, Long>>> packetSources = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> offloadedSources = new CopyOnWriteArrayList<>();

    /** Where the number of successful configuration reloads comes from. */
    public void reloads(LongSupplier source) {
        this.reloads = source;
    }

    /** Adds a data plane's drop counters, by reason ({@code no_destination}, {@code overloaded}, ...). */
    public void addDropSource(Supplier<Map<String, Long>> source) {
        dropSources.add(source);
    }

    /**
     * Adds a packet data plane's frame counters, by event ({@code received}, {@code forwarded},
     * {@code fast_path} ...).
     */
    public void addPacketSource(Supplier<Map<String, Long>> source) {
        packetSources.add(source);
    }

    /** Whether a packet data plane registered its frame counters (else /metrics leaves the family out). */
    public boolean hasPackets() {
        return !packetSources.isEmpty();
    }

    /** Frame counters by event, summed over every registered source, in event order. */
    public Map<String, Long> packets() {
        Map<String, Long> sum = new TreeMap<>();
        for (Supplier<Map<String, Long>> s : packetSources) {
            s.get().forEach((event, n) -> sum.merge(event, n, Long::sum));
        }
        return sum;
    }

    /** Adds a data plane's count of connections its XDP fast path forwards now. */
    public void addOffloadedConnections(LongSupplier source) {
        offloadedSources.add(source);
    }

    /** Whether any data plane can offload connections (else /metrics leaves the gauge out). */
    public boolean hasOffloadedConnections() {
        return !offloadedSources.isEmpty();
    }

    /** Connections on a fast path now, summed. */
    public long offloadedConnections() {
        long sum = 0;
        for (LongSupplier s : offloadedSources) {
            sum += s.getAsLong();
        }
        return sum;
    }

    /**
     * Adds a data plane's connection-table capacity: the most connections and templates it can hold (the
     * packet data plane: entries per worker times workers).
     */
    public void addConnectionCapacity(LongSupplier source) {
        capacitySources.add(source);
    }

    /** Whether any data plane registered a capacity (else /metrics leaves the capacity family out). */
    public boolean hasConnectionCapacity() {
        return !capacitySources.isEmpty();
    }

    /** The registered capacities summed. */
    public long connectionCapacity() {
        long sum = 0;
        for (LongSupplier s : capacitySources) {
            sum += s.getAsLong();
        }
        return sum;
    }

    public long reloads() {
        return reloads.getAsLong();
    }

    /** Where the refused reloads, and whether the last one succeeded, come from. */
    public void refusedReloads(LongSupplier refused, java.util.function.BooleanSupplier lastSuccessful) {
        this.refusedReloads = refused;
        this.lastReloadSuccessful = lastSuccessful;
    }

    public long refusedReloads() {
        return refusedReloads.getAsLong();
    }

    public boolean lastReloadSuccessful() {
        return lastReloadSuccessful.getAsBoolean();
    }

    /** Drops by reason, summed over every registered source, in reason order. */
    public Map<String, Long> drops() {
        Map<String, Long> sum = new TreeMap<>();
        for (Supplier<Map<String, Long>> s : dropSources) {
            s.get().forEach((reason, n) -> sum.merge(reason, n, Long::sum));
        }
        return sum;
    }
}
