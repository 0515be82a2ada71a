package io.jlvs.cli.adm;

/** Every switch jlvsadm accepts on its command line: ipvsadm 1.31's popt table plus --fullnat and --json. */
enum Switch {
    ADD_SERVICE("add-service", 'A', Arity.NONE),
    EDIT_SERVICE("edit-service", 'E', Arity.NONE),
    DELETE_SERVICE("delete-service", 'D', Arity.NONE),
    CLEAR("clear", 'C', Arity.NONE),
    LIST("list", 'L', Arity.NONE),
    LIST_LOWER("list", 'l', Arity.NONE),
    ZERO("zero", 'Z', Arity.NONE),
    ADD_SERVER("add-server", 'a', Arity.NONE),
    EDIT_SERVER("edit-server", 'e', Arity.NONE),
    DELETE_SERVER("delete-server", 'd', Arity.NONE),
    SET("set", '\0', Arity.NONE),
    HELP("help", 'h', Arity.NONE),
    VERSION("version", 'v', Arity.NONE),
    RESTORE("restore", 'R', Arity.NONE),
    SAVE("save", 'S', Arity.NONE),
    START_DAEMON("start-daemon", '\0', Arity.REQUIRED),
    STOP_DAEMON("stop-daemon", '\0', Arity.REQUIRED),
    TCP_SERVICE("tcp-service", 't', Arity.REQUIRED),
    UDP_SERVICE("udp-service", 'u', Arity.REQUIRED),
    SCTP_SERVICE("sctp-service", '\0', Arity.REQUIRED),
    FWMARK_SERVICE("fwmark-service", 'f', Arity.REQUIRED),
    SCHEDULER("scheduler", 's', Arity.REQUIRED),
    PERSISTENT("persistent", 'p', Arity.OPTIONAL),
    NETMASK("netmask", 'M', Arity.REQUIRED),
    REAL_SERVER("real-server", 'r', Arity.REQUIRED),
    MASQUERADING("masquerading", 'm', Arity.NONE),
    IPIP("ipip", 'i', Arity.NONE),
    GATEWAYING("gatewaying", 'g', Arity.NONE),
    FULLNAT("fullnat", 'F', Arity.NONE),
    WEIGHT("weight", 'w', Arity.REQUIRED),
    U_THRESHOLD("u-threshold", 'x', Arity.REQUIRED),
    L_THRESHOLD("l-threshold", 'y', Arity.REQUIRED),
    NUMERIC("numeric", 'n', Arity.NONE),
    CONNECTION("connection", 'c', Arity.NONE),
    MCAST_INTERFACE("mcast-interface", '\0', Arity.REQUIRED),
    SYNCID("syncid", '\0', Arity.REQUIRED),
    TIMEOUT("timeout", '\0', Arity.NONE),
    DAEMON("daemon", '\0', Arity.NONE),
    STATS("stats", '\0', Arity.NONE),
    RATE("rate", '\0', Arity.NONE),
    THRESHOLDS("thresholds", '\0', Arity.NONE),
    PERSISTENT_CONN("persistent-conn", '\0', Arity.NONE),
    NOSORT("nosort", '\0', Arity.NONE),
    SORT("sort", '\0', Arity.NONE),
    EXACT("exact", 'X', Arity.NONE),
    IPV6("ipv6", '6', Arity.NONE),
    OPS("ops", 'o', Arity.NONE),
    PE("pe", '\0', Arity.REQUIRED),
    SCHED_FLAGS("sched-flags", 'b', Arity.REQUIRED),
    MCAST_GROUP("mcast-group", '\0', Arity.REQUIRED),
    MCAST_PORT("mcast-port", '\0', Arity.REQUIRED),
    MCAST_TTL("mcast-ttl", '\0', Arity.REQUIRED),
    SYNC_MAXLEN("sync-maxlen", '\0', Arity.REQUIRED),
    TUN_INFO("tun-info", '\0', Arity.NONE),
    TUN_TYPE("tun-type", '\0', Arity.REQUIRED),
    TUN_PORT("tun-port", '\0', Arity.REQUIRED),
    TUN_NOCSUM("tun-nocsum", '\0', Arity.NONE),
    TUN_CSUM("tun-csum", '\0', Arity.NONE),
    TUN_REMCSUM("tun-remcsum", '\0', Arity.NONE),
    JSON("json", '\0', Arity.NONE);

    /** Whether a switch takes a value. OPTIONAL (popt's ARGFLAG_OPTIONAL) takes the next word unless it starts with '-'. */
    enum Arity { NONE, REQUIRED, OPTIONAL }

    private final String longName;
    private final char shortName;
    private final Arity arity;

    Switch(String longName, char shortName, Arity arity) {
        this.longName = longName;
        this.shortName = shortName;
        this.arity = arity;
    }

    String longName() {
        return longName;
    }

    char shortName() {
        return shortName;
    }

    Arity arity() {
        return arity;
    }
}
