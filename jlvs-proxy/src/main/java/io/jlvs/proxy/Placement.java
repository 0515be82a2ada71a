package io.jlvs.proxy;

import io.jlvs.core.state.DestinationState;

/** Where a new flow goes: a real server, and the persistence template that chose it (or null). */
record Placement(DestinationState destination, PersistenceTemplate template) {
}
