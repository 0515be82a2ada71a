package io.jlvs.vrrp.codec;

/**
 * Why a received packet was not accepted as an advertisement. Where keepalived keeps a statistic for the
 * reason, its name (as in keepalived's JSON/stats dump) is given.
 */
public enum VrrpDropReason {
    /** Shorter than the IP header plus the 8-byte VRRP header. */
    TOO_SHORT(null),
    /** Not IPv4/IPv6 carrying protocol 112 directly (IPv6 extension headers and AH are not handled). */
    NOT_VRRP(null),
    /** No configured instance has the packet's VRID. */
    UNKNOWN_VRID("vrid_err"),
    /** The length does not match the address count, or the IP length field does not match what was received. */
    PACKET_LENGTH("packet_len_err"),
    /** IPv4 TTL / IPv6 hop limit is not 255. */
    TTL("ip_ttl_err"),
    /** The version nibble is not the instance's version. */
    VERSION("vers_err"),
    /** VRRPv2 auth type is not 0, 1 or 2. */
    INVALID_AUTH_TYPE("invalid_authtype"),
    /** VRRPv2 auth type is not the configured one. */
    AUTH_TYPE_MISMATCH("authtype_mismatch"),
    /** VRRPv2 simple password differs. */
    AUTH_FAILURE("auth_failure"),
    /** VRRPv2 advertisement interval differs from ours. */
    ADVERT_INTERVAL("advert_interval_err"),
    /** Type is not 1 (advertisement). */
    INVALID_TYPE("invalid_type_rcvd"),
    /** The address count differs from the number of configured virtual addresses. */
    ADDRESS_COUNT("addr_list_err"),
    /** A configured virtual address is missing from the advertisement. */
    ADDRESS_LIST("addr_list_err"),
    /** Multicast received by a unicast instance, or unicast by a multicast one. */
    CAST_MISMATCH("addr_list_err"),
    /** The VRRP checksum does not verify. */
    CHECKSUM("chk_err");

    private final String keepalivedStat;

    VrrpDropReason(String keepalivedStat) {
        this.keepalivedStat = keepalivedStat;
    }

    /** keepalived's statistic counting this reason, or null when keepalived has none. */
    public String keepalivedStat() {
        return keepalivedStat;
    }
}
