package io.jlvs.vrrp;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpAdvertisement;
import io.jlvs.vrrp.codec.VrrpAuthType;
import io.jlvs.vrrp.codec.VrrpDropCounters;
import io.jlvs.vrrp.codec.VrrpPacketDecoder;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import io.jlvs.vrrp.codec.VrrpReceiveConfig;
import io.jlvs.vrrp.codec.VrrpReceiveResult;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.state.Action;
import io.jlvs.vrrp.state.Transition;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.state.VrrpStateMachine;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One VRRP instance on the wire: its state machine, the codec and a transport. It sends the adverts and logs the
 * lines the machine asks for; every transition (with its VIP, GARP and notify actions) goes to {@code listener}.
 * Time is given by the caller. Not thread-safe: drive it from one thread.
 */
public final class VrrpInstance {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpInstance.class);

    private final VrrpStateMachine machine;
    private final VrrpTransport transport;
    private final VrrpAdvertisement template;
    private final VrrpReceiveConfig receiveConfig;
    private final VrrpPacketDecoder decoder;
    private final IpAddress destination;
    private final Consumer<Transition> listener;
    private int ipId;
    private long advertsSent;

    /** A multicast instance (224.0.0.18 / ff02::12); {@code password} is used for VRRPv2 PASS, else null. */
    public VrrpInstance(VrrpInstanceConfig config, String password, VrrpTransport transport,
                        Consumer<Transition> listener) {
        this.machine = new VrrpStateMachine(config);
        this.transport = transport;
        this.listener = listener;
        this.template = config.version() == VrrpVersion.V2
                ? VrrpAdvertisement.v2(config.vrid(), config.priority(), config.advertIntervalCentis() / 100,
                        password == null ? VrrpAuthType.NONE : VrrpAuthType.PASS, password, config.virtualAddresses())
                : new VrrpAdvertisement(VrrpVersion.V3, config.primaryAddress().family(), config.vrid(),
                        config.priority(), config.advertIntervalCentis(), VrrpAuthType.NONE, null,
                        config.virtualAddresses());
        this.receiveConfig = VrrpReceiveConfig.of(config.name(), template);
        this.decoder = new VrrpPacketDecoder(new VrrpDropCounters());
        this.destination = config.primaryAddress().isV4() ? VrrpPacketEncoder.MCAST_GROUP4 : VrrpPacketEncoder.MCAST_GROUP6;
    }

    public Transition start(long now) {
        return act(machine.start(now));
    }

    public Transition stop(long now) {
        return act(machine.stop(now));
    }

    /** Runs due timers. */
    public Transition onTimer(long now) {
        return act(machine.onTimer(now));
    }

    /** Reads and handles every waiting packet. */
    public List<Transition> receive(long now) {
        List<Transition> out = new ArrayList<>();
        for (byte[] p = transport.poll(); p != null; p = transport.poll()) {
            VrrpReceiveResult r = decoder.decode(p, vrid -> vrid == receiveConfig.vrid() ? receiveConfig : null);
            switch (r) {
                case VrrpReceiveResult.Accepted a -> out.add(act(machine.onAdvert(now, a.advertisement().priority(),
                        a.source(), a.advertisement().advertIntervalCentis())));
                case VrrpReceiveResult.Dropped d -> LOG.info(d.logLine());
            }
        }
        return out;
    }

    public Transition onTracker(long now, String tracker, boolean up) {
        return act(machine.onTracker(now, tracker, up));
    }

    public OptionalLong nextDeadline() {
        return machine.nextDeadline();
    }

    public VrrpState state() {
        return machine.state();
    }

    public VrrpStateMachine machine() {
        return machine;
    }

    public VrrpDropCounters counters() {
        return decoder.counters();
    }

    /** keepalived's advert_sent. */
    public long advertsSent() {
        return advertsSent;
    }

    private Transition act(Transition t) {
        for (Action a : t.actions()) {
            switch (a) {
                case Action.SendAdvert s -> {
                    ipId = (ipId + 1) & 0xffff;
                    if (ipId == 0) {
                        ipId = 1;
                    }
                    transport.send(VrrpPacketEncoder.encode(template.withPriority(s.priority()),
                            machine.config().primaryAddress(), destination, ipId));
                    advertsSent++;
                }
                case Action.Log l when l.detail() -> LOG.debug(l.line());
                case Action.Log l -> LOG.info(l.line());
                default -> {
                }
            }
        }
        listener.accept(t);
        return t;
    }
}
