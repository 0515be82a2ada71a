package io.jlvs.cli.adm;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.view.Timeouts;
import java.util.List;

/**
 * Reads an ipvsadm command line into a {@link Request} and checks it with ipvsadm 1.31's rules, in its order, with
 * its messages: the command comes first; per-switch value checks; the command x option table; then the per-command
 * rules (zero port, one-packet, address family, tunnel options, list conflicts). Each switch is read when it comes,
 * with the service as known so far, as ipvsadm's loop reads it: -M before an IPv6 -t is an IPv4 mask (then replaced
 * by 128), and -r before -t has no protocol for a port name and no service port to inherit.
 */
final class CommandLine {
    static final int MAX_TIMEOUT = 86400 * 31;
    private static final int SCHEDNAME_MAX = 15;
    private static final int PENAME_MAX = 16;
    private static final int IFNAME_MAX = 15;
    /** ipvsadm copies -b's text into a 128-byte buffer: what is past 127 characters is lost. */
    private static final int SCHED_FLAGS_MAX = 127;

    private final NameResolver resolver;
    private final String program;

    CommandLine(NameResolver resolver, String program) {
        this.resolver = resolver;
        this.program = program;
    }

    /** "Try `prog -h' or 'prog --help' for more information." with ipvsadm's status 255. */
    UsageException tryHelp() {
        return new UsageException(ExitCodes.REFUSED,
                "Try `" + program + " -h' or '" + program + " --help' for more information.\n");
    }

    Request parse(String[] args, boolean readingStdin) throws UsageException {
        Request r = new Request();
        ArgScanner scanner = new ArgScanner(args);
        ArgScanner.Found first = scanner.next();
        if (first == null || first.sw() == null) {
            throw tryHelp();
        }
        if (!setCommand(r, first)) {
            throw tryHelp();
        }
        if (r.help || r.version) {
            return r;
        }
        String schedFlagsText = null;
        ArgScanner.Found f;
        while ((f = scanner.next()) != null) {
            if (f.sw() == null) {
                throw UsageException.option(f.text(), f.error());
            }
            String v = f.value();
            switch (f.sw()) {
                case TCP_SERVICE, UDP_SERVICE, SCTP_SERVICE -> {
                    set(r, AdmOption.SERVICE);
                    r.protocol = f.sw() == Switch.TCP_SERVICE ? Protocol.TCP
                            : f.sw() == Switch.UDP_SERVICE ? Protocol.UDP : Protocol.SCTP;
                    Endpoint e = Endpoint.parse(v, r.protocol, resolver);
                    if (e == null) {
                        throw UsageException.fail("illegal virtual server address[:port] specified");
                    }
                    r.address = e.address();
                    r.family = e.address().family();
                    r.port = e.port();
                    if (r.family == AddressFamily.INET6) {
                        // parse_service sets the IPv6 netmask, over any -M read before
                        r.netmask = 128;
                    }
                }
                case FWMARK_SERVICE -> {
                    set(r, AdmOption.SERVICE);
                    r.family = AddressFamily.INET;
                    r.protocol = Protocol.TCP;
                    r.fwmark = CNumbers.stringToNumber(v, 1, 0xffffffffL);
                    if (r.fwmark <= 0) {
                        // a mark of 2^31 or more as ipvsadm -S prints it (%d: negative), which ipvsadm itself
                        // cannot read back; jlvsadm -R can
                        if (v.matches("-[0-9]{1,10}")) {
                            long signed = Long.parseLong(v);
                            r.fwmark = signed >= Integer.MIN_VALUE ? signed & 0xffffffffL : r.fwmark;
                        }
                    }
                    if (r.fwmark <= 0) {
                        throw UsageException.fail("invalid fwmark value `" + v + "' specified");
                    }
                }
                case SCHEDULER -> {
                    set(r, AdmOption.SCHEDULER);
                    r.scheduler = truncate(v, SCHEDNAME_MAX);
                }
                case PERSISTENT -> {
                    set(r, AdmOption.PERSISTENT);
                    r.persistent = true;
                    r.persistenceTimeout = v == null ? 360 : timeout(v, 1);
                }
                case NETMASK -> {
                    set(r, AdmOption.NETMASK);
                    r.netmask = netmask(v, r.family);
                }
                case REAL_SERVER -> {
                    set(r, AdmOption.SERVER);
                    realServer(r, v);
                }
                case IPIP -> forward(r, ForwardingMethod.TUNNEL);
                case GATEWAYING -> forward(r, ForwardingMethod.DROUTE);
                case MASQUERADING -> forward(r, ForwardingMethod.MASQ);
                case FULLNAT -> forward(r, ForwardingMethod.FULLNAT);
                case WEIGHT -> {
                    set(r, AdmOption.WEIGHT);
                    // Debian's ipvsadm 1.31 takes any weight to INT_MAX (its patch for bug #814348), as the kernel
                    // and the daemon do
                    r.weight = (int) number(v, 0, Integer.MAX_VALUE, "illegal weight specified");
                }
                case U_THRESHOLD -> {
                    set(r, AdmOption.U_THRESHOLD);
                    r.upperThreshold = (int) number(v, 0, Integer.MAX_VALUE, "illegal u_threshold specified");
                }
                case L_THRESHOLD -> {
                    set(r, AdmOption.L_THRESHOLD);
                    r.lowerThreshold = (int) number(v, 0, Integer.MAX_VALUE, "illegal l_threshold specified");
                }
                case CONNECTION -> set(r, AdmOption.CONNECTION);
                case NUMERIC -> set(r, AdmOption.NUMERIC);
                case MCAST_INTERFACE -> {
                    set(r, AdmOption.MCAST_INTERFACE);
                    r.mcastInterface = truncate(v, IFNAME_MAX);
                }
                case SYNCID -> {
                    set(r, AdmOption.SYNCID);
                    r.syncId = (int) number(v, 0, 255, "illegal syncid specified");
                }
                case TIMEOUT -> set(r, AdmOption.TIMEOUT);
                case DAEMON -> set(r, AdmOption.DAEMON);
                case STATS -> set(r, AdmOption.STATS);
                case RATE -> set(r, AdmOption.RATE);
                case THRESHOLDS -> set(r, AdmOption.THRESHOLDS);
                case PERSISTENT_CONN -> set(r, AdmOption.PERSISTENT_CONN);
                case NOSORT -> set(r, AdmOption.NOSORT);
                case SORT -> {
                    // the default; accepted for compatibility
                }
                case EXACT -> set(r, AdmOption.EXACT);
                case IPV6 -> {
                    if (r.fwmark == 0) {
                        throw UsageException.fail("-6 used before -f\n");
                    }
                    r.family = AddressFamily.INET6;
                    r.netmask = 128;
                }
                case OPS -> {
                    set(r, AdmOption.ONE_PACKET);
                    r.onePacket = true;
                }
                case PE -> {
                    set(r, AdmOption.PE);
                    r.persistenceEngine = truncate(v, PENAME_MAX);
                }
                case SCHED_FLAGS -> {
                    set(r, AdmOption.SCHED_FLAGS);
                    schedFlagsText = truncate(v, SCHED_FLAGS_MAX);
                }
                case MCAST_GROUP -> {
                    set(r, AdmOption.MCAST_GROUP);
                    r.mcastGroup = mcastGroup(v);
                }
                case MCAST_PORT -> {
                    set(r, AdmOption.MCAST_PORT);
                    r.mcastPort = (int) number(v, 1, 65535, "illegal mcast-port specified");
                }
                case MCAST_TTL -> {
                    set(r, AdmOption.MCAST_TTL);
                    r.mcastTtl = (int) number(v, 1, 255, "illegal mcast-ttl specified");
                }
                case SYNC_MAXLEN -> {
                    set(r, AdmOption.SYNC_MAXLEN);
                    r.syncMaxLen = (int) number(v, 1, 65535 - 20 - 8, "illegal sync-maxlen specified");
                }
                case TUN_INFO -> set(r, AdmOption.TUN_INFO);
                case TUN_TYPE -> {
                    set(r, AdmOption.TUN_TYPE);
                    r.tunnelType = tunnelType(v);
                }
                case TUN_PORT -> {
                    set(r, AdmOption.TUN_PORT);
                    r.tunnelPort = (int) number(v, 1, 65535, "illegal tunnel port specified");
                }
                case TUN_NOCSUM -> {
                    set(r, AdmOption.TUN_NOCSUM);
                    r.tunnelChecksum = TunnelChecksum.NOCSUM;
                }
                case TUN_CSUM -> {
                    set(r, AdmOption.TUN_CSUM);
                    r.tunnelChecksum = TunnelChecksum.CSUM;
                }
                case TUN_REMCSUM -> {
                    set(r, AdmOption.TUN_REMCSUM);
                    r.tunnelChecksum = TunnelChecksum.REMCSUM;
                }
                case JSON -> set(r, AdmOption.JSON);
                // a second command, -h or -v: ipvsadm's loop has no case for them, and names popt's last word
                default -> throw UsageException.fail("invalid option `" + f.text() + "'");
            }
        }
        List<String> rest = scanner.leftovers();
        int used = 0;
        if (r.command == AdmCommand.SET_TIMEOUT) {
            if (rest.size() < 3) {
                throw UsageException.fail("--set option requires 3 timeout values");
            }
            r.timeouts = new Timeouts(timeout(rest.get(0), 0), timeout(rest.get(1), 0), timeout(rest.get(2), 0));
            used = 3;
        }
        if (rest.size() > used) {
            throw UsageException.fail("unexpected argument " + rest.get(used));
        }
        if (schedFlagsText != null && !schedFlagsText.isEmpty()) {
            r.schedFlags.clear();
            parseSchedFlags(r, schedFlagsText);
        }
        check(r, readingStdin);
        return r;
    }

    /** Handles the first switch, which must be a command; false when it is not one. */
    private static boolean setCommand(Request r, ArgScanner.Found f) throws UsageException {
        switch (f.sw()) {
            case ADD_SERVICE -> r.command = AdmCommand.ADD;
            case EDIT_SERVICE -> r.command = AdmCommand.EDIT;
            case DELETE_SERVICE -> r.command = AdmCommand.DELETE;
            case ADD_SERVER -> r.command = AdmCommand.ADD_SERVER;
            case EDIT_SERVER -> r.command = AdmCommand.EDIT_SERVER;
            case DELETE_SERVER -> r.command = AdmCommand.DELETE_SERVER;
            case CLEAR -> r.command = AdmCommand.FLUSH;
            case LIST, LIST_LOWER -> r.command = AdmCommand.LIST;
            case ZERO -> r.command = AdmCommand.ZERO;
            case SET -> r.command = AdmCommand.SET_TIMEOUT;
            case RESTORE -> r.command = AdmCommand.RESTORE;
            case SAVE -> r.command = AdmCommand.SAVE;
            case START_DAEMON -> {
                r.command = AdmCommand.START_DAEMON;
                r.daemonState = daemonState(f.value(), "illegal start-daemon parameter specified");
            }
            case STOP_DAEMON -> {
                r.command = AdmCommand.STOP_DAEMON;
                r.daemonState = daemonState(f.value(), "illegal start_daemon specified");
            }
            case HELP -> r.help = true;
            case VERSION -> r.version = true;
            default -> {
                return false;
            }
        }
        return true;
    }

    private void check(Request r, boolean readingStdin) throws UsageException {
        checkTable(r.command, r.options);
        if (r.command == AdmCommand.ADD || r.command == AdmCommand.EDIT) {
            if (r.fwmark == 0 && r.port == 0 && !r.persistent) {
                throw UsageException.fail("Zero port specified for non-persistent service");
            }
            if (r.onePacket && r.fwmark == 0 && r.protocol != Protocol.UDP) {
                throw UsageException.fail("One-Packet Scheduling is only for UDP virtual services");
            }
            if (r.scheduler.isEmpty()) {
                r.scheduler = "wlc";
            }
        }
        if (r.command == AdmCommand.START_DAEMON && r.mcastInterface.isEmpty()) {
            r.mcastInterface = "eth0";
        }
        if (r.command == AdmCommand.ADD_SERVER || r.command == AdmCommand.EDIT_SERVER) {
            if (r.fwmark == 0 && r.method.keepsServicePort()) {
                r.serverPort = r.port;
            }
            if (r.serverAddress.family() != r.family && r.method != ForwardingMethod.TUNNEL) {
                throw UsageException.fail("Different address family is allowed only for tunneling servers");
            }
            long tunnelOptions = AdmOption.TUN_TYPE.bit() | AdmOption.TUN_PORT.bit() | AdmOption.TUN_NOCSUM.bit()
                    | AdmOption.TUN_CSUM.bit() | AdmOption.TUN_REMCSUM.bit();
            if ((r.options & tunnelOptions) != 0 && r.method != ForwardingMethod.TUNNEL) {
                throw UsageException.fail("Tunnel options conflict with forward method");
            }
            checkTunnel(r.tunnelType, r.options);
        }
        if (r.command == AdmCommand.LIST) {
            boolean conflict = (r.has(AdmOption.CONNECTION) || r.has(AdmOption.TIMEOUT) || r.has(AdmOption.DAEMON))
                    && (r.has(AdmOption.STATS) || r.has(AdmOption.RATE) || r.has(AdmOption.THRESHOLDS));
            conflict |= (r.has(AdmOption.TIMEOUT) || r.has(AdmOption.DAEMON)) && r.has(AdmOption.PERSISTENT_CONN);
            if (conflict) {
                throw UsageException.fail("options conflicts in the list command");
            }
        }
        if (r.command == AdmCommand.RESTORE && readingStdin) {
            throw tryHelp();
        }
    }

    /** ipvsadm's generic_opt_check over the command x option table. */
    static void checkTable(AdmCommand command, long options) throws UsageException {
        AdmOption exclusive = null;
        for (AdmOption o : AdmOption.values()) {
            char rule = command.rule(o);
            if ((options & o.bit()) == 0) {
                if (rule == '+') {
                    throw UsageException.fail("You need to supply the '" + o.label() + "' option for the '"
                            + command.label() + "' command");
                }
                continue;
            }
            if (rule == 'x') {
                throw UsageException.fail("Illegal '" + o.label() + "' option with the '" + command.label()
                        + "' command");
            }
            if (rule == '1') {
                if (exclusive == null) {
                    exclusive = o;
                } else {
                    throw UsageException.fail("The option '" + o.label() + "' conflicts with the '"
                            + exclusive.label() + "' option in the '" + command.label() + "' command");
                }
            }
        }
    }

    /** ipvsadm's tunnel_opt_check over the tunnel type x option table. */
    static void checkTunnel(TunnelType type, long options) throws UsageException {
        AdmOption[] columns = {AdmOption.TUN_PORT, AdmOption.TUN_NOCSUM, AdmOption.TUN_CSUM, AdmOption.TUN_REMCSUM};
        String row = switch (type) {
            case IPIP -> "xxxx";
            case GUE -> "+111";
            case GRE -> "x11x";
        };
        AdmOption exclusive = null;
        for (int j = 0; j < columns.length; j++) {
            AdmOption o = columns[j];
            char rule = row.charAt(j);
            if ((options & o.bit()) == 0) {
                if (rule == '+') {
                    throw UsageException.fail("You need to supply the '" + o.label() + "' option for the '"
                            + type.spelling() + "' tunnel type");
                }
                continue;
            }
            if (rule == 'x') {
                throw UsageException.fail("Illegal '" + o.label() + "' option with the '" + type.spelling()
                        + "' tunnel type");
            }
            if (rule == '1') {
                if (exclusive == null) {
                    exclusive = o;
                } else {
                    throw UsageException.fail("The option '" + o.label() + "' conflicts with the '"
                            + exclusive.label() + "' option in the '" + type.spelling() + "' tunnel type");
                }
            }
        }
    }

    private static void set(Request r, AdmOption option) throws UsageException {
        if ((r.options & option.bit()) != 0) {
            throw UsageException.fail("multiple '" + option.label() + "' options specified");
        }
        r.options |= option.bit();
    }

    private static void forward(Request r, ForwardingMethod method) throws UsageException {
        set(r, AdmOption.FORWARD);
        r.method = method;
    }

    private static String daemonState(String v, String message) throws UsageException {
        if (v.equals("master") || v.equals("backup")) {
            return v;
        }
        throw UsageException.fail(message);
    }

    private static long number(String v, long min, long max, String message) throws UsageException {
        long n = CNumbers.stringToNumber(v, min, max);
        if (n < 0) {
            throw UsageException.fail(message);
        }
        return n;
    }

    private static int timeout(String v, int min) throws UsageException {
        long n = CNumbers.stringToNumber(v, min, MAX_TIMEOUT);
        if (n < 0) {
            throw UsageException.fail("invalid timeout value `" + v + "' specified");
        }
        return (int) n;
    }

    /**
     * -r as ipvsadm reads it, when it comes: with the service's protocol and port as known so far, so a server
     * named before -t has no protocol for a port name and, without a port of its own, port 0.
     */
    private void realServer(Request r, String v) throws UsageException {
        Endpoint e = Endpoint.parse(v, r.protocol, resolver);
        if (e == null) {
            throw UsageException.fail("illegal real server address[:port] specified");
        }
        r.serverAddress = e.address();
        r.serverPort = e.hasPort() ? e.port() : r.port;
    }

    /** -M as ipvsadm reads it, when it comes: a prefix length if the service is IPv6 so far, else an IPv4 mask. */
    private int netmask(String v, AddressFamily family) throws UsageException {
        if (family == AddressFamily.INET6) {
            int bits = CNumbers.atoi(v);
            if (bits < 1 || bits > 128) {
                throw UsageException.fail("illegal ipv6 netmask specified");
            }
            return bits;
        }
        long mask = CNumbers.inetAton(v);
        if (mask < 0) {
            IpAddress a = resolver.hostToIpv4(v);
            if (a == null) {
                throw UsageException.fail("illegal virtual server persistent mask specified");
            }
            mask = a.v4() & 0xffffffffL;
        }
        return (int) mask;
    }

    /** ipvsadm's --mcast-group: inet_pton for the family its text suggests (a ':' means IPv6), multicast only. */
    private static String mcastGroup(String v) throws UsageException {
        if (v.indexOf(':') >= 0) {
            IpAddress a = InetPton.v6(v);
            if (a == null || (a.hi() >>> 56) != 0xff) {
                throw UsageException.fail("invalid IPv6 mcast-group `" + v + "'");
            }
            return a.toString();
        }
        IpAddress a = InetPton.v4(v);
        if (a == null || ((a.v4() >>> 28) & 0xf) != 0xe) {
            throw UsageException.fail("invalid IPv4 mcast-group `" + v + "'");
        }
        return a.toString();
    }

    private static TunnelType tunnelType(String v) throws UsageException {
        for (TunnelType t : TunnelType.values()) {
            if (t.spelling().equals(v)) {
                return t;
            }
        }
        throw UsageException.fail("illegal tunnel type specified");
    }

    /** ipvsadm's parse_sched_flags: comma-separated, sh-/mh- flags only with their scheduler. */
    private static void parseSchedFlags(Request r, String text) throws UsageException {
        String sched = r.scheduler.isEmpty() ? "wlc" : r.scheduler;
        for (String flag : text.split(",")) {
            if (flag.isEmpty()) {
                continue;
            }
            SchedFlag parsed = null;
            for (SchedFlag s : SchedFlag.values()) {
                if (s.spelling().equals(flag)) {
                    parsed = s;
                }
            }
            if (parsed == null) {
                throw UsageException.fail("invalid scheduler flag `" + flag + "'");
            }
            String needs = flag.startsWith("sh-") ? "sh" : flag.startsWith("mh-") ? "mh" : null;
            if (needs != null && !needs.equals(sched)) {
                throw UsageException.fail("incompatible scheduler flag `" + flag + "'");
            }
            r.schedFlags.add(parsed);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
