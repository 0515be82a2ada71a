package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/** What health checking asks the engine to do to the IPVS table. */
public sealed interface HealthEvent permits RealServerUp, RealServerDown, RealServerWeightChanged {

    VirtualServiceKey virtualService();

    IpAddress address();

    int port();
}
