package io.jlvs.conn;

/** What to do with a client packet that matched an existing entry ({@link ConnTable#admitInbound}). */
public enum InboundVerdict {
    /** Forward it on the entry. */
    FORWARD,
    /** The entry was expired (port reuse, or its real server is gone): schedule the packet as a new flow. */
    RESCHEDULE,
    /** Drop it: the entry's real server is gone and expire_nodest_conn is off. The entry stays. */
    DROP
}
