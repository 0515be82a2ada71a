package io.jlvs.health.bfd;

/** Why a received control packet was discarded: the checks of RFC 5880 6.8.6 and RFC 5881 5 in order. */
public enum BfdDropReason {
    /** Shorter than the mandatory section, or the Length field is below 24 (26 with A) or beyond the datagram. */
    BAD_LENGTH,
    /** Version is not 1. */
    BAD_VERSION,
    /** Detect Mult is zero. */
    ZERO_DETECT_MULT,
    /** The Multipoint bit is set. */
    MULTIPOINT,
    /** My Discriminator is zero. */
    ZERO_MY_DISCRIMINATOR,
    /** Your Discriminator names no session of ours. */
    UNKNOWN_YOUR_DISCRIMINATOR,
    /** Your Discriminator is zero while the sender's state is Init or Up. */
    ZERO_YOUR_DISCRIMINATOR,
    /** The A bit is set: no authentication is configured. */
    AUTHENTICATION,
    /** The TTL / hop limit is below what single hop (GTSM, RFC 5881 5) and max_hops allow. */
    TTL,
    /** Your Discriminator is zero and the source address is no configured neighbor. */
    NO_SESSION
}
