package io.jlvs.engine;

import io.jlvs.core.IpAddress;
import io.jlvs.core.sched.Destinations;

/** A service's real servers with one of them shown as overloaded: for a retry after it failed. */
final class ExcludingDestinations implements Destinations {
    private final DestinationSet all;
    private final int excluded;

    ExcludingDestinations(DestinationSet all, int excluded) {
        this.all = all;
        this.excluded = excluded;
    }

    @Override
    public int size() {
        return all.size();
    }

    @Override
    public IpAddress address(int i) {
        return all.address(i);
    }

    @Override
    public int port(int i) {
        return all.port(i);
    }

    @Override
    public int weight(int i) {
        return all.weight(i);
    }

    @Override
    public int activeConns(int i) {
        return all.activeConns(i);
    }

    @Override
    public int inactiveConns(int i) {
        return all.inactiveConns(i);
    }

    @Override
    public boolean overloaded(int i) {
        return i == excluded || all.overloaded(i);
    }
}
