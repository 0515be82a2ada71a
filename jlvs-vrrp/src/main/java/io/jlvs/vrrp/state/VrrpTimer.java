package io.jlvs.vrrp.state;

/** The timers an instance arms: one at a time of ADVERT/MASTER_DOWN, plus the delayed gratuitous ARP. */
public enum VrrpTimer {
    /** MASTER: send the next advertisement. */
    ADVERT,
    /** BACKUP: the master is considered down (Master_Down_Timer). */
    MASTER_DOWN,
    /** MASTER: the second round of gratuitous ARPs, garp_master_delay after becoming master. */
    GARP_DELAY,
    /** MASTER: the second round of gratuitous ARPs, garp_lower_prio_delay after a lower-priority advert. */
    GARP_LOWER_PRIO
}
