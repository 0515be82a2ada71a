package io.jlvs.vrrp.settings;

/**
 * What a MASTER does when it hears another router's advert (keepalived's per-instance keywords, which
 * {@code vrrp_strict} forces to the RFC's behaviour: no advert, no gratuitous ARPs).
 *
 * @param lowerPrioNoAdvert        {@code lower_prio_no_advert}: do not answer a lower priority with an advert
 * @param higherPrioSendAdvert     {@code higher_prio_send_advert}: send one advert before stepping down
 * @param garpLowerPrioRepeat      {@code garp_lower_prio_repeat}: gratuitous ARPs on a lower-priority advert
 * @param garpLowerPrioDelayMillis {@code garp_lower_prio_delay}: a second round after this delay (0 = none)
 */
public record ElectionOptions(boolean lowerPrioNoAdvert, boolean higherPrioSendAdvert, int garpLowerPrioRepeat,
                              long garpLowerPrioDelayMillis) {
    /** {@code vrrp_strict}: RFC behaviour. */
    public static final ElectionOptions STRICT = new ElectionOptions(true, false, 0, 0);

    public ElectionOptions {
        if (garpLowerPrioRepeat < 0 || garpLowerPrioDelayMillis < 0) {
            throw new IllegalArgumentException("garp_lower_prio_repeat/delay must not be negative");
        }
    }

    /** keepalived's defaults: an advert back, and the garp_master repeat/delay as the lower-priority ones. */
    public static ElectionOptions keepalived(int garpMasterRepeat, long garpMasterDelayMillis) {
        return new ElectionOptions(false, false, garpMasterRepeat, garpMasterDelayMillis);
    }
}
