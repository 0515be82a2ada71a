package io.jlvs.vrrp.state;

import java.util.List;

/** The result of one input to a {@link VrrpStateMachine}: the state before and after, and what to do. */
public record Transition(String instance, VrrpState from, VrrpState state, List<Action> actions) {

    public Transition {
        actions = List.copyOf(actions);
    }

    public boolean changed() {
        return from != state;
    }

    /** The actions of one kind, in order. */
    public <A extends Action> List<A> actions(Class<A> kind) {
        return actions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public boolean has(Class<? extends Action> kind) {
        return actions.stream().anyMatch(kind::isInstance);
    }
}
