package io.jlvs.vrrp.state;

import java.util.List;

/**
 * What one input to a {@link SyncGroup} did: the member transitions in the order they happened, the group's own
 * actions (its log lines and GROUP notifies) and the group state after.
 */
public record SyncStep(List<Transition> transitions, List<Action> groupActions, VrrpState groupState) {

    public SyncStep {
        transitions = List.copyOf(transitions);
        groupActions = List.copyOf(groupActions);
    }

    /** The transitions of one member, in order. */
    public List<Transition> of(String instance) {
        return transitions.stream().filter(t -> t.instance().equals(instance)).toList();
    }
}
