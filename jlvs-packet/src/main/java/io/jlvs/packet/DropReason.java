package io.jlvs.packet;

/** Why the data plane did not forward a frame. Each dropped frame is counted under exactly one reason. */
public enum DropReason {
    /** Shorter than its Ethernet, IP or transport header, or than the IPv4 total (IPv6 payload) length says. */
    SHORT_FRAME,
    /**
     * An IPv4 total length beyond both the frame and the link's MTU: segments merged before the data plane
     * saw them (GRO or LRO on a link, which the data plane turns off; or a sender on this host whose veth
     * hands over unsegmented GSO packets). Only the frame's start reached us, so it cannot be sent on.
     */
    OVERSIZED,
    /**
     * Neither IPv4, IPv6 nor ARP, or the IPv4 EtherType with another IP version; IPv6 with AF_XDP, whose
     * program steers IPv4 only.
     */
    NOT_IPV4,
    /** IHL below 5 or beyond the frame. */
    BAD_IHL,
    /** IPv4 total length smaller than the header; an IPv6 payload length of 0 (a jumbogram) to a service. */
    BAD_IP_LENGTH,
    BAD_IP_CHECKSUM,
    /**
     * A fragment to a virtual address or from a NAT real server given up before its datagram was whole: it
     * overlapped bytes already held, would make the datagram longer than 65,535 bytes, was not in 8-byte
     * units before the last, found every reassembly slot taken, or its datagram was not whole within 30 s
     * (IPv4; IPv6: 60 s; each held fragment then counts). With AF_PACKET the kernel reassembles IPv4 before the
     * workers see it; IPv6 fragments are put together by the worker with either I/O ({@link Ipv6Reassembly}:
     * also an IPv6 first fragment without the whole transport header, ECN codepoints that do not go together,
     * an empty fragment or one past the datagram's end, and a Fragment header inside a datagram put together).
     */
    FRAGMENT,
    /** TCP data offset below 5 or beyond the segment. */
    BAD_TCP_OFFSET,
    /** UDP length below 8 or beyond the datagram. */
    BAD_UDP_LENGTH,
    /** SCTP CRC32c wrong. */
    BAD_SCTP_CHECKSUM,
    /** TTL would reach 0: an ICMP time exceeded went back to the sender. */
    TTL_EXPIRED,
    /** To a virtual address, but no service for this protocol and port. */
    NO_SERVICE,
    /** No real server could take a new flow: an ICMP port unreachable went back. */
    NO_DESTINATION,
    /** A TCP segment without SYN (or SCTP packet without INIT) that belongs to no connection. */
    NO_CONNECTION,
    /** The connection's real server was removed and expire_nodest_conn is off. */
    DESTINATION_REMOVED,
    /** The connection table is full. */
    TABLE_FULL,
    /**
     * A new flow of a persistent service with persistence engine sip ({@code --pe sip}) that has no Call-ID
     * IPVS would use: not a UDP datagram, none found, longer than 255 bytes or not ending its line
     * ({@link io.jlvs.conn.SipCallId}). IPVS drops it too: its ip_vs_sip_fill_param fails and
     * ip_vs_sched_persist returns NF_DROP.
     */
    NO_CALL_ID,
    /**
     * A new connection dropped by IPVS's drop_packet defence while the connection table is nearly full
     * ({@code net.ipv4.vs.drop_packet}, {@link io.jlvs.conn.DefenseSettings}).
     */
    DEFENSE,
    /** No MAC address is known for the next hop. */
    NO_NEIGHBOUR,
    /**
     * Larger than the MTU (tunnelled: with the tunnel's header) with DF set: an ICMP fragmentation needed
     * went back.
     */
    FRAG_NEEDED,
    /**
     * Larger than the MTU without DF but not sent as fragments: a tunnel's outer packet would pass 65,535
     * bytes, or the MTU leaves no room for 8 bytes of data behind the header; or the link's MTU leaves a
     * tunnel less than 68 bytes under its outer IPv4 header (IPVS drops those too).
     */
    TOO_BIG,
    /** GUE tunnels without a port, LOCAL or FULLNAT servers, IPv6 servers. */
    UNSUPPORTED_METHOD,
    /** An ICMP message to a virtual address that is not an error about a known connection. */
    ICMP_UNRELATED,
    /** The transmit queue was full. */
    TX_FULL,
    /**
     * From a NAT real server's service port, outside any connection, but not routable as a router would: to
     * a broadcast, multicast or reserved address, to a multicast MAC, or not from the real server's (or its
     * gateway's) MAC.
     */
    NOT_ROUTED,
    /**
     * From a NAT real server's service port, outside any connection, with {@code net.ipv4.vs.nat_icmp_send} on:
     * an ICMP port unreachable went back to the real server, as from IPVS (a TCP RST or SCTP ABORT is routed).
     */
    UNCLAIMED_REPLY
,
    /**
     * IPv6 to a virtual service or from a NAT real server with an extension header the data plane does not walk:
     * a routing header with segments left, AH, ESP, no next header, an unknown one, or a chain longer than the
     * packet. (Hop-by-hop, destination options and a spent routing header are skipped, as IPVS finds the
     * transport header past them with {@code ipv6_find_hdr}; IPv6 fragments are put together, and those given up
     * count as {@link #FRAGMENT}; an atomic fragment's Fragment header is skipped.)
     */
    IPV6_EXTENSION,
    /** The IPv6 EtherType with another IP version in the header. */
    BAD_IP_VERSION,
    /**
     * With {@code answerArp}: an ICMPv6 neighbour solicitation for an IPv6 virtual address that RFC 4861 §7.1.1
     * says to discard (hop limit not 255, a code, a bad checksum, shorter than 24 bytes, an option of length 0 or
     * past the message, from the unspecified address to another than the solicited-node address or with a source
     * link-layer option), or addressed to neither the target nor its solicited-node address
     * ({@link NeighbourResponder}).
     */
    BAD_NEIGHBOUR_SOLICITATION
}
