package io.jlvs.sched;

import io.jlvs.core.IpAddress;
import io.jlvs.core.sched.Destinations;

/** A real server's identity inside a service: address and port, ordered as ipvsadm orders them. */
record Endpoint(IpAddress address, int port) implements Comparable<Endpoint> {

    static Endpoint of(Destinations dests, int i) {
        return new Endpoint(dests.address(i), dests.port(i));
    }

    /** The indices of {@code dests} sorted by address, then port: tables built from it ignore insertion order. */
    static int[] sortedIndices(Destinations dests) {
        int n = dests.size();
        Endpoint[] eps = new Endpoint[n];
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            eps[i] = of(dests, i);
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> eps[a].compareTo(eps[b]));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
