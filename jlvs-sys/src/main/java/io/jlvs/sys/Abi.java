package io.jlvs.sys;

/** Linux ABI numbers (include/uapi) used by this package; x86-64 and aarch64 agree on all of them. */
final class Abi {
    private Abi() {
    }

    static final int AF_INET = 2;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int AF_XDP = 44;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOCK_NONBLOCK = 0x800;

    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;

    static final int SOL_IP = 0;
    static final int IP_HDRINCL = 3;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_DROP_MEMBERSHIP = 36;

    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_TX_RING = 13;
    static final int PACKET_LOSS = 14;
    static final int PACKET_VNET_HDR = 15;
    static final int PACKET_COPY_THRESH = 7;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int TPACKET_V3 = 2;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_CBPF = 6;
    static final int PACKET_FANOUT_DATA = 22;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    /** Linux 6.8+: the group's members do not see frames this host sends (per-socket IGNORE_OUTGOING is not used in a group). */
    static final int PACKET_FANOUT_FLAG_IGNORE_OUTGOING = 0x4000;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_MR_ALLMULTI = 2;
    /** struct packet_mreq: mr_ifindex, mr_type, mr_alen, mr_address[8]. */
    static final int PACKET_MREQ_SIZE = 16;

    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_AVAILABLE = 0;
    static final int TP_STATUS_SEND_REQUEST = 1;
    static final int TP_STATUS_SENDING = 2;
    static final int TP_STATUS_WRONG_FORMAT = 4;
    /** A V1/V2 slot holds the frame cut short; the whole frame waits in the socket's queue. */
    static final int TP_STATUS_COPY = 1 << 1;
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;

    static final int ETH_P_ALL = 0x0003;
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_ARP = 0x0806;

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_LOCKED = 0x2000;

    static final short POLLIN = 1;
    static final short POLLOUT = 4;
    static final short POLLERR = 8;

    static final int MSG_DONTWAIT = 0x40;

    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCGIFHWADDR = 0x8927;
    static final long SIOCETHTOOL = 0x8946;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;

    /** sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]. */
    static final int SOCKADDR_LL_SIZE = 20;
    /** sockaddr_in. */
    static final int SOCKADDR_IN_SIZE = 16;
    /** sockaddr_nl. */
    static final int SOCKADDR_NL_SIZE = 12;

    /** x86-64 321, aarch64 280. */
    static final int SYS_BPF = "aarch64".equals(System.getProperty("os.arch")) ? 280 : 321;
    static final int BPF_MAP_CREATE = 0;
    static final int BPF_MAP_LOOKUP_ELEM = 1;
    static final int BPF_MAP_UPDATE_ELEM = 2;
    static final int BPF_MAP_DELETE_ELEM = 3;
    static final int BPF_PROG_LOAD = 5;
    static final int BPF_LINK_CREATE = 28;
    static final int BPF_PROG_TEST_RUN = 10;
    static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;
    static final int BPF_MAP_LOOKUP_BATCH = 24;
    static final int BPF_MAP_TYPE_HASH = 1;
    static final int BPF_MAP_TYPE_XSKMAP = 17;
    static final int BPF_PROG_TYPE_XDP = 6;
    static final int BPF_XDP = 37;
    static final int XDP_FLAGS_SKB_MODE = 2;
    static final int XDP_FLAGS_DRV_MODE = 4;

    static final int SOL_XDP = 283;
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;
    static final int XDP_COPY = 2;
    static final long XDP_PGOFF_RX_RING = 0;
    static final long XDP_PGOFF_TX_RING = 0x80000000L;
    static final long XDP_UMEM_PGOFF_FILL_RING = 0x100000000L;
    static final long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000L;
    static final int MAP_POPULATE = 0x8000;

    static short htons(int v) {
        return (short) (((v & 0xff) << 8) | ((v >>> 8) & 0xff));
    }
}
