package io.jlvs.sched;

import io.jlvs.core.IpAddress;
import io.jlvs.core.sched.Destinations;
import java.util.ArrayList;
import java.util.List;

/** A mutable in-test service: real servers with weights, connection counts and overload flags. */
final class TestDestinations implements Destinations {
    private final List<IpAddress> addresses = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private int[] weight = new int[0];
    private int[] active = new int[0];
    private int[] inactive = new int[0];
    private boolean[] overloaded = new boolean[0];

    /** {@code n} servers 10.0.0.1.. port 80, weight 1. */
    static TestDestinations of(int n) {
        TestDestinations d = new TestDestinations();
        for (int i = 0; i < n; i++) {
            d.add("10.0." + ((i + 1) / 256) + "." + ((i + 1) % 256), 80, 1);
        }
        return d;
    }

    static TestDestinations withWeights(int... weights) {
        TestDestinations d = of(weights.length);
        for (int i = 0; i < weights.length; i++) {
            d.weight(i, weights[i]);
        }
        return d;
    }

    TestDestinations add(String address, int port, int w) {
        addresses.add(IpAddress.parse(address));
        ports.add(port);
        int n = addresses.size();
        weight = java.util.Arrays.copyOf(weight, n);
        active = java.util.Arrays.copyOf(active, n);
        inactive = java.util.Arrays.copyOf(inactive, n);
        overloaded = java.util.Arrays.copyOf(overloaded, n);
        weight[n - 1] = w;
        return this;
    }

    /** A copy without server {@code i} (later indices shift down). */
    TestDestinations without(int i) {
        TestDestinations d = new TestDestinations();
        for (int k = 0; k < size(); k++) {
            if (k != i) {
                d.add(addresses.get(k).toString(), ports.get(k), weight[k]);
                int j = d.size() - 1;
                d.active[j] = active[k];
                d.inactive[j] = inactive[k];
                d.overloaded[j] = overloaded[k];
            }
        }
        return d;
    }

    /** A copy with the servers in the order given by {@code perm} (new index j holds old server perm[j]). */
    TestDestinations permuted(int[] perm) {
        TestDestinations d = new TestDestinations();
        for (int k : perm) {
            d.add(addresses.get(k).toString(), ports.get(k), weight[k]);
            int j = d.size() - 1;
            d.active[j] = active[k];
            d.inactive[j] = inactive[k];
            d.overloaded[j] = overloaded[k];
        }
        return d;
    }

    TestDestinations weight(int i, int w) {
        weight[i] = w;
        return this;
    }

    TestDestinations active(int i, int n) {
        active[i] = n;
        return this;
    }

    TestDestinations inactive(int i, int n) {
        inactive[i] = n;
        return this;
    }

    TestDestinations overloaded(int i, boolean o) {
        overloaded[i] = o;
        return this;
    }

    String endpoint(int i) {
        return i < 0 ? "none" : addresses.get(i).withPort(ports.get(i));
    }

    @Override
    public int size() {
        return addresses.size();
    }

    @Override
    public IpAddress address(int i) {
        return addresses.get(i);
    }

    @Override
    public int port(int i) {
        return ports.get(i);
    }

    @Override
    public int weight(int i) {
        return weight[i];
    }

    @Override
    public int activeConns(int i) {
        return active[i];
    }

    @Override
    public int inactiveConns(int i) {
        return inactive[i];
    }

    @Override
    public boolean overloaded(int i) {
        return overloaded[i];
    }
}
