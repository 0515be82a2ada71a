package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/** A live real server's weight changed (misc_dynamic, FILE_CHECK dynamic). */
public record RealServerWeightChanged(VirtualServiceKey virtualService, IpAddress address, int port, int oldWeight,
                                      int newWeight) implements HealthEvent {
}
