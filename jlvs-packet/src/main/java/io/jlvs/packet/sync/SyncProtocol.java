package io.jlvs.packet.sync;

/**
 * Facts of the IPVS connection-synchronisation protocol (the kernel's ip_vs_sync): defaults, header and
 * record sizes, connection flags, option types, and the sysctl defaults that decide when the master
 * sends a connection. All multi-byte fields are big-endian on the wire.
 */
public final class SyncProtocol {
    /** Default multicast group 224.0.0.81; the kernel defines no IPv6 default (give --mcast-group). */
    public static final String DEFAULT_GROUP = "224.0.0.81";
    public static final int DEFAULT_PORT = 8848;
    public static final int DEFAULT_TTL = 1;

    /** Version-1 message header: reserved 0, syncid, size, nr_conns, version, spare (8 bytes). */
    public static final int HEADER_V1 = 8;
    /** Version-0 message header: nr_conns, syncid, size (4 bytes). */
    public static final int HEADER_V0 = 4;
    public static final int VERSION = 1;
    /** Version-1 IPv4 record without options. */
    public static final int CONN_V4 = 36;
    /** Version-1 IPv6 record without options. */
    public static final int CONN_V6 = 72;
    /** Version-0 record (IPv4 only) without sequence options. */
    public static final int CONN_V0 = 24;
    /** Version-0 sequence options: in_seq and out_seq, three 32-bit words each. */
    public static final int SEQ_OPTIONS = 24;
    /** Record type bit: IPv6 addresses. */
    public static final int TYPE_INET6 = 1;
    /** ver_size: record version in the top 4 bits, record size in the low 12. */
    public static final int SIZE_MASK = 0x0fff;
    public static final int VERSION_SHIFT = 12;

    public static final int OPT_SEQ_DATA = 1;
    public static final int OPT_PE_DATA = 2;
    public static final int OPT_PE_NAME = 3;
    /** Option type bit: the option is optional (unknown ones are skipped). */
    public static final int OPT_F_PARAM = 1 << 6;
    public static final int PE_NAME_MAXLEN = 16;
    public static final int PE_DATA_MAXLEN = 255;

    /** Connection flags (IP_VS_CONN_F_*). */
    public static final int F_FWD_MASK = 0x0007;
    public static final int F_MASQ = 0x0000;
    public static final int F_LOCALNODE = 0x0001;
    public static final int F_TUNNEL = 0x0002;
    public static final int F_DROUTE = 0x0003;
    public static final int F_SYNC = 0x0020;
    public static final int F_HASHED = 0x0040;
    public static final int F_NOOUTPUT = 0x0080;
    public static final int F_INACTIVE = 0x0100;
    public static final int F_SEQ_MASK = 0x0600;
    public static final int F_NO_CPORT = 0x0800;
    public static final int F_TEMPLATE = 0x1000;
    public static final int F_ONE_PACKET = 0x2000;
    /** The flags a backup keeps from a received record. */
    public static final int F_BACKUP_MASK = F_FWD_MASK | F_NOOUTPUT | F_INACTIVE | F_SEQ_MASK | F_NO_CPORT
            | F_TEMPLATE;

    /** States per protocol (a received state must be below): TCP, UDP, SCTP. */
    public static final int TCP_STATES = 11;
    public static final int UDP_STATES = 1;
    public static final int SCTP_STATES = 14;

    /** net.ipv4.vs.sync_threshold default: a connection is sent at its 3rd packet... */
    public static final int SYNC_THRESHOLD = 3;
    /** ...and then every sync_period (50) packets: when in_pkts % 50 == 3. */
    public static final int SYNC_PERIOD = 50;
    /** The master sends a partly filled message after 2 s (IPVS_SYNC_FLUSH_TIME). */
    public static final long FLUSH_NANOS = 2_000_000_000L;
    /** The master looks for work every 20 ms (IPVS_SYNC_CHECK_PERIOD). */
    public static final long CHECK_NANOS = 20_000_000L;
    /** Timeout the backup gives a version-0 template (no timeout on the wire): 3 minutes. */
    public static final int V0_TEMPLATE_TIMEOUT = 180;
    /** IPv4 + UDP header bytes (the message must fit the MTU minus these). */
    public static final int UDP4_OVERHEAD = 28;
    public static final int UDP6_OVERHEAD = 48;

    private SyncProtocol() {
    }

    /** States defined for {@code protocol}, or -1 when the kernel has no such IPVS protocol. */
    public static int stateCount(int protocol) {
        return switch (protocol) {
            case 6 -> TCP_STATES;
            case 17 -> UDP_STATES;
            case 132 -> SCTP_STATES;
            default -> -1;
        };
    }

    /**
     * The message size limit as the kernel sets it: the master uses sync_maxlen clamped to 1..65535-hlen,
     * else 1500 - hlen; the backup's receive buffer is sync_maxlen clamped to 1024..65535-hlen, else the
     * interface MTU clamped to 1500..65535, minus hlen.
     */
    public static int maxLength(boolean master, int syncMaxLen, int interfaceMtu, boolean v6) {
        int hlen = v6 ? UDP6_OVERHEAD : UDP4_OVERHEAD;
        if (syncMaxLen > 0) {
            return Math.clamp(syncMaxLen, master ? 1 : 1024, 65535 - hlen);
        }
        int mtu = master ? 1500 : Math.clamp(interfaceMtu, 1500, 65535);
        return mtu - hlen;
    }
}
