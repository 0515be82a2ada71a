package io.jlvs.bench.sched;

import io.jlvs.core.IpAddress;
import io.jlvs.core.sched.Destinations;

/** A service of real servers held in plain arrays, for the scheduler benchmarks. */
final class ArrayDestinations implements Destinations {
    private final IpAddress[] addresses;
    private final int[] ports;
    private final int[] weights;
    private final int[] active;
    private final int[] inactive;
    private final boolean[] overloaded;

    ArrayDestinations(int n, java.util.SplittableRandom rnd) {
        addresses = new IpAddress[n];
        ports = new int[n];
        weights = new int[n];
        active = new int[n];
        inactive = new int[n];
        overloaded = new boolean[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = IpAddress.ofV4(0x0a000001 + i);
            ports[i] = 80;
            weights[i] = 1 + rnd.nextInt(10);
            active[i] = rnd.nextInt(200);
            inactive[i] = rnd.nextInt(1000);
        }
    }

    @Override
    public int size() {
        return addresses.length;
    }

    @Override
    public IpAddress address(int i) {
        return addresses[i];
    }

    @Override
    public int port(int i) {
        return ports[i];
    }

    @Override
    public int weight(int i) {
        return weights[i];
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
