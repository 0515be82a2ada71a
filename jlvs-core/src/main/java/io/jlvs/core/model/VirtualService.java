package io.jlvs.core.model;

import io.jlvs.core.SchedFlag;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A virtual service as ipvsadm -A/-E describes it. Immutable.
 *
 * @param key              what identifies the service
 * @param scheduler        ipvsadm's scheduler name (rr, wrr, lc, wlc, ...)
 * @param schedFlags       -b flags
 * @param persistenceTimeout seconds; 0 = not persistent
 * @param netmask          persistence granularity: IPv4 mask as a 32-bit value, IPv6 prefix length
 * @param onePacket        -o: each datagram scheduled on its own (UDP or fwmark only)
 * @param persistenceEngine --pe name, or null
 */
public record VirtualService(
        VirtualServiceKey key,
        String scheduler,
        Set<SchedFlag> schedFlags,
        int persistenceTimeout,
        int netmask,
        boolean onePacket,
        String persistenceEngine) {

    public static final String DEFAULT_SCHEDULER = "wlc";
    /** ipvsadm's default when -p has no value (IPVS_SVC_PERSISTENT_TIMEOUT). */
    public static final int DEFAULT_PERSISTENCE_TIMEOUT = 360;
    public static final int IPV4_FULL_MASK = 0xffffffff;

    public VirtualService {
        if (key == null) {
            throw new IllegalArgumentException("service key is required");
        }
        scheduler = scheduler == null || scheduler.isEmpty() ? DEFAULT_SCHEDULER : scheduler;
        schedFlags = schedFlags == null || schedFlags.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(schedFlags));
    }

    /** A plain service with the default scheduler and no persistence. */
    public static VirtualService of(VirtualServiceKey key, String scheduler) {
        return new VirtualService(key, scheduler, Set.of(), 0, defaultNetmask(key), false, null);
    }

    /** The netmask that means "whole address": 255.255.255.255 or /128. */
    public static int defaultNetmask(VirtualServiceKey key) {
        return key.family() == io.jlvs.core.AddressFamily.INET ? IPV4_FULL_MASK : 128;
    }

    public boolean persistent() {
        return persistenceTimeout > 0;
    }

    /** The persistence netmask as a prefix length (IPv4 masks counted by their leading ones). */
    public int netmaskPrefixLength() {
        return key.family() == io.jlvs.core.AddressFamily.INET ? Integer.bitCount(netmask) : netmask;
    }

    public VirtualService withScheduler(String name) {
        return new VirtualService(key, name, schedFlags, persistenceTimeout, netmask, onePacket, persistenceEngine);
    }
}
