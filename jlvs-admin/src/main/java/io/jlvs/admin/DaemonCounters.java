package io.jlvs.admin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Values /metrics shows that the IPVS table does not hold: configuration reloads, packets the data
 * planes dropped, by reason, and the connection capacity of the data planes that have a fixed-size table.
 * The daemon wiring sets the reload counter; each data plane registers its drop counters and capacity.
 * All are read at scrape time. Thread-safe.
 */
public final class DaemonCounters {
    private volatile LongSupplier reloads = () -> 0;
    private final List<Supplier<Map<String, Long>>> dropSources = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> capacitySources = new CopyOnWriteArrayList<>();

    /** Where the number of successful configuration reloads comes from. */
    public void reloads(LongSupplier source) {
        this.reloads = source;
    }

    /** Adds a data plane's drop counters, by reason ({@code no_destination}, {@code overloaded}, ...). */
    public void addDropSource(Supplier<Map<String, Long>> source) {
        dropSources.add(source);
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

    /** Drops by reason, summed over every registered source, in reason order. */
    public Map<String, Long> drops() {
        Map<String, Long> sum = new TreeMap<>();
        for (Supplier<Map<String, Long>> s : dropSources) {
            s.get().forEach((reason, n) -> sum.merge(reason, n, Long::sum));
        }
        return sum;
    }
}
