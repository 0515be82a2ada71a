package io.jlvs.vrrp.state;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * One vrrp_instance as the state machine needs it, with keepalived's defaults and its normalisation
 * (built with {@link #builder}): priority defaults to 255 with {@code state MASTER} and to 100 otherwise; the
 * initial wanted state defaults to MASTER only for the address owner (255); {@code nopreempt} is dropped for an
 * owner or with {@code state MASTER}, and {@code preempt_delay} is dropped with {@code state MASTER} or nopreempt.
 * The interval is in centiseconds for both versions (a VRRPv2 interval is whole seconds).
 */
public record VrrpInstanceConfig(
        String name,
        VrrpVersion version,
        int vrid,
        int priority,
        int advertIntervalCentis,
        VrrpState initialState,
        boolean preempt,
        long preemptDelayNanos,
        IpAddress primaryAddress,
        List<IpAddress> virtualAddresses,
        long garpMasterDelayNanos,
        int garpMasterRepeat,
        long garpMasterRefreshNanos,
        int garpMasterRefreshRepeat,
        int downTimerAdverts,
        boolean lowerPrioNoAdvert,
        boolean higherPrioSendAdvert,
        int garpLowerPrioRepeat,
        long garpLowerPrioDelayNanos,
        boolean notifyPriorityChanges,
        List<VrrpTracker> trackers) {

    public static final int PRIORITY_OWNER = 255;
    public static final int PRIORITY_DEFAULT = 100;

    public VrrpInstanceConfig {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("virtual_router_id must be 1..255, got " + vrid);
        }
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be 1..255, got " + priority);
        }
        if (version == VrrpVersion.V2 && (advertIntervalCentis % 100 != 0 || advertIntervalCentis == 0)) {
            throw new IllegalArgumentException("VRRPv2 advert_int must be whole seconds");
        }
        if (advertIntervalCentis < 1 || advertIntervalCentis > (version == VrrpVersion.V2 ? 25_500 : 4095)) {
            throw new IllegalArgumentException("advert_int out of range: " + advertIntervalCentis + " cs");
        }
        if (initialState != VrrpState.MASTER && initialState != VrrpState.BACKUP) {
            throw new IllegalArgumentException("initial state is MASTER or BACKUP");
        }
        if (downTimerAdverts < 1 || downTimerAdverts > 100) {
            throw new IllegalArgumentException("down_timer_adverts must be 1..100");
        }
        if (garpLowerPrioRepeat < 0 || garpLowerPrioDelayNanos < 0) {
            throw new IllegalArgumentException("garp_lower_prio_repeat/delay must not be negative");
        }
        virtualAddresses = List.copyOf(virtualAddresses);
        trackers = List.copyOf(trackers);
    }

    public static Builder builder(String name, int vrid) {
        return new Builder(name, vrid);
    }

    /** keepalived's vrrp_instance settings, defaults as in keepalived 2.2.7. */
    public static final class Builder {
        private final String name;
        private final int vrid;
        private VrrpVersion version = VrrpVersion.V2;
        private int priority;
        private int advertIntervalCentis = 100;
        private VrrpState initialState;
        private boolean nopreempt;
        private long preemptDelayNanos;
        private IpAddress primaryAddress;
        private final List<IpAddress> virtualAddresses = new ArrayList<>();
        private long garpMasterDelayNanos = 5_000_000_000L;
        private int garpMasterRepeat = 5;
        private long garpMasterRefreshNanos;
        private int garpMasterRefreshRepeat = 1;
        private int downTimerAdverts = 3;
        private boolean lowerPrioNoAdvert;
        private boolean higherPrioSendAdvert;
        private int garpLowerPrioRepeat;
        private long garpLowerPrioDelayNanos;
        private boolean notifyPriorityChanges;
        private final List<VrrpTracker> trackers = new ArrayList<>();

        private Builder(String name, int vrid) {
            this.name = name;
            this.vrid = vrid;
        }

        public Builder version(VrrpVersion v) {
            this.version = v;
            return this;
        }

        public Builder priority(int p) {
            this.priority = p;
            return this;
        }

        public Builder advertIntervalCentis(int cs) {
            this.advertIntervalCentis = cs;
            return this;
        }

        /** {@code state MASTER|BACKUP} from the config. */
        public Builder state(VrrpState s) {
            this.initialState = s;
            return this;
        }

        public Builder nopreempt() {
            this.nopreempt = true;
            return this;
        }

        public Builder preemptDelayNanos(long n) {
            this.preemptDelayNanos = n;
            return this;
        }

        /** The address adverts are sent from; the tie-break compares it. */
        public Builder primaryAddress(IpAddress a) {
            this.primaryAddress = a;
            return this;
        }

        public Builder virtualAddress(IpAddress a) {
            this.virtualAddresses.add(a);
            return this;
        }

        public Builder garpMasterDelayNanos(long n) {
            this.garpMasterDelayNanos = n;
            return this;
        }

        public Builder garpMasterRepeat(int n) {
            this.garpMasterRepeat = n;
            return this;
        }

        public Builder garpMasterRefreshNanos(long n) {
            this.garpMasterRefreshNanos = n;
            return this;
        }

        public Builder garpMasterRefreshRepeat(int n) {
            this.garpMasterRefreshRepeat = n;
            return this;
        }

        public Builder downTimerAdverts(int n) {
            this.downTimerAdverts = n;
            return this;
        }

        public Builder lowerPrioNoAdvert() {
            this.lowerPrioNoAdvert = true;
            return this;
        }

        public Builder higherPrioSendAdvert() {
            this.higherPrioSendAdvert = true;
            return this;
        }

        /**
         * Gratuitous ARPs a MASTER sends when it hears a lower-priority advert ({@code garp_lower_prio_repeat}),
         * and again {@code delayNanos} later ({@code garp_lower_prio_delay}; 0 = no second round). Default none.
         */
        public Builder garpLowerPrio(int repeat, long delayNanos) {
            this.garpLowerPrioRepeat = repeat;
            this.garpLowerPrioDelayNanos = delayNanos;
            return this;
        }

        public Builder notifyPriorityChanges() {
            this.notifyPriorityChanges = true;
            return this;
        }

        public Builder track(VrrpTracker t) {
            this.trackers.add(t);
            return this;
        }

        public VrrpInstanceConfig build() {
            int prio = priority != 0 ? priority
                    : initialState == VrrpState.MASTER ? PRIORITY_OWNER : PRIORITY_DEFAULT;
            VrrpState want = initialState != null ? initialState
                    : prio == PRIORITY_OWNER ? VrrpState.MASTER : VrrpState.BACKUP;
            boolean preempt = !nopreempt || prio == PRIORITY_OWNER || want == VrrpState.MASTER;
            long delay = want == VrrpState.MASTER || !preempt ? 0 : preemptDelayNanos;
            if (primaryAddress == null) {
                throw new IllegalArgumentException("primary address is required");
            }
            return new VrrpInstanceConfig(name, version, vrid, prio, advertIntervalCentis, want, preempt, delay,
                    primaryAddress, virtualAddresses, garpMasterDelayNanos, garpMasterRepeat, garpMasterRefreshNanos,
                    garpMasterRefreshRepeat, downTimerAdverts, lowerPrioNoAdvert, higherPrioSendAdvert,
                    garpLowerPrioRepeat, garpLowerPrioDelayNanos, notifyPriorityChanges, trackers);
        }
    }
}
