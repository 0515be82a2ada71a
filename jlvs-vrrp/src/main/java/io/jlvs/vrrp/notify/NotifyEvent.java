package io.jlvs.vrrp.notify;

/**
 * What a notify reports: a state an instance or sync group entered, or one of keepalived's FIFO-only events.
 * {@link #word()} is the text keepalived writes for it.
 */
public enum NotifyEvent {
    MASTER("MASTER"),
    BACKUP("BACKUP"),
    FAULT("FAULT"),
    STOP("STOP"),
    DELETED("DELETED"),
    /** A MASTER received an advert of lower priority (notify_master_rx_lower_pri; FIFO only). */
    MASTER_RX_LOWER_PRI("MASTER_RX_LOWER_PRI"),
    /** Effective priority changed while MASTER (notify_priority_changes; FIFO only). */
    MASTER_PRIORITY("MASTER_PRIORITY"),
    /** Effective priority changed while not MASTER (notify_priority_changes; FIFO only). */
    BACKUP_PRIORITY("BACKUP_PRIORITY");

    private final String word;

    NotifyEvent(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** True for the events that report entering a state (these run notify scripts). */
    public boolean isState() {
        return ordinal() <= DELETED.ordinal();
    }
}
