package io.jlvs.packet.sync;

/** Why a received sync message, or one record of it, was not applied; each is counted. */
public enum SyncDropReason {
    /** Message: shorter than a header, or a record runs past the end. */
    SHORT,
    /** Message: the header's size is not the datagram's length. */
    SIZE_MISMATCH,
    /** Message: a record's version nibble is not 0. */
    BAD_VERSION,
    /** Message: another sync id than ours (ours is not 0). */
    SYNCID_MISMATCH,
    /** Message: a record's options are malformed (length 0, past the record, duplicated, unknown mandatory). */
    BAD_OPTION,
    /** Message: a record type other than IPv4 (0) or IPv6 (1). */
    BAD_TYPE,
    /** Record: a protocol IPVS does not handle. */
    UNKNOWN_PROTOCOL,
    /** Record: a state beyond the protocol's states. */
    BAD_STATE,
    /** Record: no virtual service on this director matches. */
    NO_SERVICE,
    /** Record: the service has no such real server (or its method is not forwarded here). */
    NO_REAL_SERVER,
    /** Record: an IPv4 connection to an IPv6 real server (a mixed-family tunnel, not served here). */
    UNSUPPORTED_FAMILY,
    /** Record: a template of a persistence engine other than sip (the only one IPVS has). */
    UNKNOWN_PE,
    /** Record: the connection table is full. */
    TABLE_FULL,
    /** Record: the data plane's queue of received records is full. */
    QUEUE_FULL
}
