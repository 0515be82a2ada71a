package io.jlvs.vrrp.settings;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.state.VrrpTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code vrrp_instance} as the runtime needs it (IPv4, or IPv6 with VRRPv3: all virtual addresses of one family). Zero/null fields take keepalived 2.2.7's defaults
 * through {@link VrrpInstanceConfig.Builder}: priority 0 means "default" (255 with {@code state MASTER}, else 100),
 * initialState null means "default". {@code unicastPeers} non-empty makes the instance unicast: adverts go to each
 * peer from {@code unicastSource} (or the interface's first address), and the TTL check is skipped on receive.
 *
 * @param advertIntervalCentis   {@code advert_int} in centiseconds (v2: whole seconds only)
 * @param authPass               VRRPv2 {@code auth_type PASS} password, or null for none
 * @param garpMasterDelayMillis  second round of gratuitous ARPs after becoming MASTER (0 = none; default 5000)
 * @param garpMasterRefreshMillis periodic gratuitous ARPs while MASTER (0 = none)
 * @param dontTrackPrimary       do not go to FAULT when the instance's own interface goes down
 * @param election               what a MASTER does on hearing another router's advert
 * @param virtualRoutes          {@code virtual_routes}: added while MASTER, removed otherwise
 * @param virtualRules           {@code virtual_rules}: likewise
 */
public record VrrpInstanceSettings(
        String name,
        String interfaceName,
        int vrid,
        int priority,
        int advertIntervalCentis,
        VrrpVersion version,
        VrrpState initialState,
        boolean nopreempt,
        long preemptDelayMillis,
        String authPass,
        List<VirtualIpAddress> virtualAddresses,
        IpAddress unicastSource,
        List<IpAddress> unicastPeers,
        long garpMasterDelayMillis,
        int garpMasterRepeat,
        long garpMasterRefreshMillis,
        int garpMasterRefreshRepeat,
        boolean dontTrackPrimary,
        List<TrackInterface> trackInterfaces,
        List<TrackScript> trackScripts,
        List<TrackFile> trackFiles,
        NotifySettings notifySettings,
        ElectionOptions election,
        List<VirtualRoute> virtualRoutes,
        List<VirtualRule> virtualRules) {

    public VrrpInstanceSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interfaceName, "interface");
        Objects.requireNonNull(version, "version");
        virtualAddresses = List.copyOf(virtualAddresses);
        unicastPeers = List.copyOf(unicastPeers);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
        notifySettings = notifySettings == null ? NotifySettings.NONE : notifySettings;
        election = election == null ? ElectionOptions.keepalived(garpMasterRepeat, garpMasterDelayMillis) : election;
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        AddressFamily family = family(virtualAddresses, unicastSource, unicastPeers);
        for (VirtualIpAddress v : virtualAddresses) {
            if (v.address().family() != family) {
                throw new IllegalArgumentException("virtual addresses of one instance must be all IPv4 or all IPv6: "
                        + v.address());
            }
        }
        for (IpAddress peer : unicastPeers) {
            if (peer.family() != family) {
                throw new IllegalArgumentException("unicast_peer " + peer + " is not of the instance's family");
            }
        }
        if (family == AddressFamily.INET6 && version != VrrpVersion.V3) {
            throw new IllegalArgumentException("VRRP over IPv6 needs version 3");
        }
        if (authPass != null && version != VrrpVersion.V2) {
            throw new IllegalArgumentException("auth_pass is VRRPv2 only");
        }
    }

    /** Without virtual routes or rules, and keepalived's default {@link ElectionOptions}. */
    public VrrpInstanceSettings(String name, String interfaceName, int vrid, int priority, int advertIntervalCentis,
                                VrrpVersion version, VrrpState initialState, boolean nopreempt,
                                long preemptDelayMillis, String authPass, List<VirtualIpAddress> virtualAddresses,
                                IpAddress unicastSource, List<IpAddress> unicastPeers, long garpMasterDelayMillis,
                                int garpMasterRepeat, long garpMasterRefreshMillis, int garpMasterRefreshRepeat,
                                boolean dontTrackPrimary, List<TrackInterface> trackInterfaces,
                                List<TrackScript> trackScripts, List<TrackFile> trackFiles,
                                NotifySettings notifySettings) {
        this(name, interfaceName, vrid, priority, advertIntervalCentis, version, initialState, nopreempt,
                preemptDelayMillis, authPass, virtualAddresses, unicastSource, unicastPeers, garpMasterDelayMillis,
                garpMasterRepeat, garpMasterRefreshMillis, garpMasterRefreshRepeat, dontTrackPrimary,
                trackInterfaces, trackScripts, trackFiles, notifySettings, null, List.of(), List.of());
    }

    /** A multicast instance with keepalived's defaults and no trackers, scripts or VIPs. */
    public static VrrpInstanceSettings of(String name, String interfaceName, int vrid, VrrpVersion version) {
        return new VrrpInstanceSettings(name, interfaceName, vrid, 0, 100, version, null, false, 0, null, List.of(),
                null, List.of(), 5000, 5, 0, 1, false, List.of(), List.of(), List.of(), NotifySettings.NONE);
    }

    /** IPv4 or IPv6: the family of the virtual addresses (else of the unicast source or peers; else IPv4). */
    public AddressFamily family() {
        return family(virtualAddresses, unicastSource, unicastPeers);
    }

    private static AddressFamily family(List<VirtualIpAddress> vips, IpAddress source, List<IpAddress> peers) {
        if (!vips.isEmpty()) {
            return vips.getFirst().address().family();
        }
        if (source != null) {
            return source.family();
        }
        return peers.isEmpty() ? AddressFamily.INET : peers.getFirst().family();
    }

    public boolean unicast() {
        return !unicastPeers.isEmpty();
    }

    /** Tracker name of the instance's own interface and of a {@code track_interface}. */
    public static String interfaceTracker(String ifname) {
        return "interface:" + ifname;
    }

    public static String scriptTracker(String script) {
        return "script:" + script;
    }

    public static String fileTracker(String file) {
        return "file:" + file;
    }

    /**
     * The state machine's configuration. {@code primary} is the address adverts are sent from; {@code up} tells
     * whether a tracker (by the names above) starts up. A track file is a FAULT-only tracker here; the runtime
     * applies a weighted file's {@code value * weight} through the base priority.
     */
    public VrrpInstanceConfig toConfig(IpAddress primary, java.util.function.Predicate<String> up) {
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder(name, vrid)
                .version(version)
                .advertIntervalCentis(advertIntervalCentis)
                .primaryAddress(primary)
                .garpMasterDelayNanos(garpMasterDelayMillis * 1_000_000L)
                .garpMasterRepeat(garpMasterRepeat)
                .garpMasterRefreshNanos(garpMasterRefreshMillis * 1_000_000L)
                .garpMasterRefreshRepeat(garpMasterRefreshRepeat)
                .preemptDelayNanos(preemptDelayMillis * 1_000_000L)
                .garpLowerPrio(election.garpLowerPrioRepeat(), election.garpLowerPrioDelayMillis() * 1_000_000L);
        if (election.lowerPrioNoAdvert()) {
            b.lowerPrioNoAdvert();
        }
        if (election.higherPrioSendAdvert()) {
            b.higherPrioSendAdvert();
        }
        if (priority != 0) {
            b.priority(priority);
        }
        if (initialState != null) {
            b.state(initialState);
        }
        if (nopreempt) {
            b.nopreempt();
        }
        for (VirtualIpAddress v : virtualAddresses) {
            b.virtualAddress(v.address());
        }
        for (VrrpTracker t : trackers(up)) {
            b.track(t);
        }
        return b.build();
    }

    private List<VrrpTracker> trackers(java.util.function.Predicate<String> up) {
        List<VrrpTracker> out = new ArrayList<>();
        if (!dontTrackPrimary) {
            String n = interfaceTracker(interfaceName);
            out.add(new VrrpTracker(n, 0, false, up.test(n)));
        }
        for (TrackInterface t : trackInterfaces) {
            String n = interfaceTracker(t.name());
            if (out.stream().noneMatch(x -> x.name().equals(n))) {
                out.add(new VrrpTracker(n, t.weight(), false, up.test(n)));
            }
        }
        for (TrackScript s : trackScripts) {
            String n = scriptTracker(s.name());
            out.add(new VrrpTracker(n, s.weight(), false, up.test(n)));
        }
        for (TrackFile f : trackFiles) {
            String n = fileTracker(f.name());
            out.add(new VrrpTracker(n, 0, false, up.test(n)));
        }
        return out;
    }

    /**
     * Whether {@code next} is these settings with only a new priority, {@code advert_int}, virtual addresses,
     * routes, rules or notify scripts:
     * what a reload applies to the running instance, as keepalived does, rather than restarting it. Not when a
     * priority goes to or from 255 (the address owner starts and preempts otherwise), when a priority changes
     * with a track_file (which moves the base priority itself), or when either has no virtual address.
     */
    public boolean inPlaceChangeOf(VrrpInstanceSettings next) {
        int from = configuredPriority();
        int to = next.configuredPriority();
        if (from == VrrpInstanceConfig.PRIORITY_OWNER || to == VrrpInstanceConfig.PRIORITY_OWNER
                || from != to && !trackFiles.isEmpty()) {
            return false;
        }
        if (virtualAddresses.isEmpty() || next.virtualAddresses().isEmpty() || family() != next.family()) {
            return false;
        }
        return new VrrpInstanceSettings(name, interfaceName, vrid, next.priority(), next.advertIntervalCentis(), version,
                initialState, nopreempt, preemptDelayMillis, authPass, next.virtualAddresses(), unicastSource,
                unicastPeers, garpMasterDelayMillis, garpMasterRepeat, garpMasterRefreshMillis,
                garpMasterRefreshRepeat, dontTrackPrimary, trackInterfaces, trackScripts, trackFiles,
                next.notifySettings(), election, next.virtualRoutes(), next.virtualRules()).equals(next);
    }

    /** The priority the instance runs with: {@code priority}, or keepalived's default (255 with state MASTER, else 100). */
    public int configuredPriority() {
        return priority != 0 ? priority
                : initialState == VrrpState.MASTER ? VrrpInstanceConfig.PRIORITY_OWNER : VrrpInstanceConfig.PRIORITY_DEFAULT;
    }

    /** These settings with another configured priority. */
    public VrrpInstanceSettings withPriority(int p) {
        return new VrrpInstanceSettings(name, interfaceName, vrid, p, advertIntervalCentis, version, initialState,
                nopreempt, preemptDelayMillis, authPass, virtualAddresses, unicastSource, unicastPeers,
                garpMasterDelayMillis, garpMasterRepeat, garpMasterRefreshMillis, garpMasterRefreshRepeat,
                dontTrackPrimary, trackInterfaces, trackScripts, trackFiles, notifySettings, election, virtualRoutes,
                virtualRules);
    }
}
