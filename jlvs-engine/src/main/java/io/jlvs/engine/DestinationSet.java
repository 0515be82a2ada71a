package io.jlvs.engine;

import io.jlvs.core.IpAddress;
import io.jlvs.core.sched.Destinations;
import io.jlvs.core.state.DestinationState;
import java.util.List;

/** An immutable list of a service's live real servers, as its scheduler sees them. */
public final class DestinationSet implements Destinations {
    public static final DestinationSet EMPTY = new DestinationSet(List.of());

    private final DestinationState[] states;

    public DestinationSet(List<DestinationState> states) {
        this.states = states.toArray(new DestinationState[0]);
    }

    public DestinationState get(int i) {
        return states[i];
    }

    public List<DestinationState> asList() {
        return List.of(states);
    }

    /** Index of the server at address:port, or -1. */
    public int indexOf(IpAddress address, int port) {
        for (int i = 0; i < states.length; i++) {
            if (states[i].config().sameEndpoint(address, port)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return states.length;
    }

    @Override
    public IpAddress address(int i) {
        return states[i].config().address();
    }

    @Override
    public int port(int i) {
        return states[i].config().port();
    }

    @Override
    public int weight(int i) {
        return states[i].weight();
    }

    @Override
    public int activeConns(int i) {
        return states[i].activeConns();
    }

    @Override
    public int inactiveConns(int i) {
        return states[i].inactiveConns();
    }

    @Override
    public boolean overloaded(int i) {
        return states[i].overloaded();
    }
}
