package io.jlvs.vrrp.runtime;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpAdvertisement;
import io.jlvs.vrrp.codec.VrrpAuthType;
import io.jlvs.vrrp.codec.VrrpDropCounters;
import io.jlvs.vrrp.codec.VrrpPacketDecoder;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import io.jlvs.vrrp.codec.VrrpReceiveConfig;
import io.jlvs.vrrp.codec.VrrpReceiveResult;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.state.VrrpStateMachine;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance inside a {@link VrrpRouter}: settings, state machine, codec, transport and counters. Driven by the
 * router's thread; {@link #status()} may be read from any thread.
 */
final class InstanceRuntime {
    /** Replaced by a reload applied in place ({@link #reconfigure}); written by the router's thread only. */
    volatile VrrpInstanceSettings settings;
    final VrrpStateMachine machine;
    final VrrpTransport transport;
    final IpAddress primary;
    private VrrpAdvertisement template;
    private VrrpReceiveConfig receiveConfig;
    private final VrrpPacketDecoder decoder = new VrrpPacketDecoder(new VrrpDropCounters());
    private final List<IpAddress> destinations;
    /** Weighted track files: name to {@code value * weight}. */
    final Map<String, Integer> fileContributions = new HashMap<>();
    private int ipId;
    /** The last advert could not be sent (its failure was logged). Router thread. */
    boolean advertsFailing;

    private final AtomicLong advertsSent = new AtomicLong();
    private final AtomicLong priorityZeroSent = new AtomicLong();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong becameMaster = new AtomicLong();
    private volatile VrrpState state = VrrpState.INIT;
    private volatile int basePriority;
    private volatile int effectivePriority;
    private volatile IpAddress masterAddress;
    private volatile Instant lastTransition;

    InstanceRuntime(VrrpInstanceSettings settings, VrrpInstanceConfig config, IpAddress primary,
                    VrrpTransport transport) {
        this.settings = settings;
        this.machine = new VrrpStateMachine(config);
        this.primary = primary;
        this.transport = transport;
        advertise(config.virtualAddresses());
        this.destinations = settings.unicast() ? settings.unicastPeers() : List.of(primary.isV4() ? VrrpPacketEncoder.MCAST_GROUP4 : VrrpPacketEncoder.MCAST_GROUP6);
        refresh();
    }

    String name() {
        return settings.name();
    }

    /** The advert template and what received adverts are checked against, for these virtual addresses. */
    private void advertise(List<IpAddress> vips) {
        VrrpInstanceSettings s = settings;
        VrrpInstanceConfig config = machine.config();
        this.template = config.version() == VrrpVersion.V2
                ? VrrpAdvertisement.v2(config.vrid(), config.priority(), config.advertIntervalCentis() / 100,
                        s.authPass() == null ? VrrpAuthType.NONE : VrrpAuthType.PASS, s.authPass(), vips)
                : VrrpAdvertisement.v3(config.vrid(), config.priority(), config.advertIntervalCentis(), vips);
        VrrpReceiveConfig multicast = VrrpReceiveConfig.of(config.name(), template);
        this.receiveConfig = s.unicast()
                ? new VrrpReceiveConfig(config.name(), multicast.version(), multicast.family(), multicast.vrid(),
                        multicast.authType(), multicast.authData(), multicast.advertIntervalCentis(),
                        multicast.addresses(), true, true)
                : multicast;
    }

    /**
     * A reload applied in place: {@code next} differs from the settings in its priority, virtual addresses,
     * routes, rules or notify scripts only ({@link VrrpInstanceSettings#inPlaceChangeOf}). Adverts carry the new addresses
     * from now on, and received ones are checked against them. Router thread.
     */
    void reconfigure(VrrpInstanceSettings next) {
        settings = next;
        advertise(next.virtualAddresses().stream().map(io.jlvs.vrrp.settings.VirtualIpAddress::address).toList());
    }

    /** Sends one advert with {@code priority} to the group or to every unicast peer. */
    void sendAdvert(int priority) {
        VrrpAdvertisement adv = template.withPriority(priority);
        for (IpAddress to : destinations) {
            ipId = ipId == 0xffff ? 1 : ipId + 1;
            transport.send(VrrpPacketEncoder.encode(adv, primary, to, ipId));
        }
        advertsSent.incrementAndGet();
        if (priority == 0) {
            priorityZeroSent.incrementAndGet();
        }
    }

    VrrpReceiveResult decode(byte[] packet) {
        return decoder.decode(packet, vrid -> vrid == receiveConfig.vrid() ? receiveConfig : null);
    }

    /** Copies what {@link #status()} shows out of the machine; call after every input. */
    void refresh() {
        state = machine.state();
        basePriority = machine.basePriority();
        effectivePriority = machine.effectivePriority();
        masterAddress = state == VrrpState.MASTER ? primary : state == VrrpState.BACKUP ? machine.masterAddress() : null;
    }

    void transitioned(VrrpState to) {
        transitions.incrementAndGet();
        if (to == VrrpState.MASTER) {
            becameMaster.incrementAndGet();
        }
        lastTransition = Instant.now();
    }

    VrrpInstanceStatus status() {
        VrrpDropCounters c = decoder.counters();
        return new VrrpInstanceStatus(settings.name(), settings.interfaceName(), settings.vrid(), state, basePriority,
                effectivePriority, masterAddress, lastTransition,
                new VrrpInstanceCounters(advertsSent.get(), priorityZeroSent.get(), c.advertsReceived(),
                        c.priorityZeroReceived(), c.snapshot(), transitions.get(), becameMaster.get()));
    }
}
